package io.shadow.mitigation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.ResourceType;
import io.shadow.features.signal.Evidence;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.StoreBackend;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.notify.HoldingNotifier;
import io.shadow.mitigation.notify.Notifier;
import io.shadow.mitigation.notify.StoreNotifier;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.StoreException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mitigation store going away while Shadow runs: a real H2 database server is stopped and
 * started again under a running mitigation API. Assessments scored meanwhile are held and acted on
 * once it is back; API requests are told to retry (503 with Retry-After) instead of "internal error".
 */
class StoreOutageTest {
    @TempDir
    Path dir;
    private Server h2;
    private RunningApi api;
    private MitigationHandoff handoff;

    @AfterEach
    void stop() {
        if (handoff != null) {
            handoff.close();
        }
        if (api != null) {
            api.close();
        }
        if (h2 != null) {
            h2.stop();
        }
    }

    private Server h2Server(int port) throws SQLException {
        return Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.resolve("h2").toString(),
                "-ifNotExists").start();
    }

    private void startOnH2Server() throws SQLException {
        h2 = h2Server(0);
        String url = "jdbc:h2:tcp://localhost:" + h2.getPort() + "/shadow";
        api = RunningApi.start(new StoreBackend("h2-server", dir, url, "sa"), ProfileLoader.defaults(),
                Clock.systemUTC());
    }

    /** A hand-off saving to {@code file}, then the store stopped; returns its port. */
    private int startWithTheStoreDown(Path file) throws SQLException {
        startOnH2Server();
        handoff = new MitigationHandoff(api.service().engine(), 100, Duration.ofHours(1), Clock.systemUTC(), file);
        int port = h2.getPort();
        h2.stop();
        return port;
    }

    /** The store back on {@code port} and a new hand-off (a restart) reading {@code file}, until it is gone. */
    private void startAgainWhenTheStoreIsBack(int port, Path file) throws Exception {
        h2 = h2Server(port);
        handoff = new MitigationHandoff(api.service().engine(), 100, Duration.ofMillis(100), Clock.systemUTC(), file);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (java.nio.file.Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void assessmentsScoredWhileTheStoreIsDownAreMitigatedOnceItIsBack() throws Exception {
        startOnH2Server();
        handoff = new MitigationHandoff(api.service().engine(), 100, Duration.ofMillis(200), Clock.systemUTC(),
                null);
        assertThat(handoff.accept(Assessments.risk(40).build()).kind()).isEqualTo("mitigated");

        int port = h2.getPort();
        h2.stop();
        Outcome high = handoff.accept(Assessments.risk(90).principal("u-2").host("ws-2").build());
        Outcome medium = handoff.accept(Assessments.risk(60).principal("u-3").host("ws-3").build());

        assertThat(high).isEqualTo(new Outcome("held", Band.HIGH, null, null));
        assertThat(medium).isEqualTo(new Outcome("held", Band.MEDIUM, null, null));
        assertThat(handoff.held()).isEqualTo(2);
        assertThatThrownBy(() -> api.store().incidents(null, null, 10))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.reason()).matches("it (cannot be reached|is closed or shutting down) \\(.*");
                });

        h2 = h2Server(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (handoff.held() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        assertThat(handoff.held()).as("every held assessment handed over").isZero();
        assertThat(handoff.dropped()).isZero();
        assertThat(api.store().incidents(null, null, 10)).extracting(Incident::principal, Incident::band)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("u-1", Band.LOW),
                        org.assertj.core.groups.Tuple.tuple("u-2", Band.HIGH),
                        org.assertj.core.groups.Tuple.tuple("u-3", Band.MEDIUM));
        assertThat(api.store().mitigations()).filteredOn(m -> m.band() == Band.HIGH).singleElement()
                .satisfies(m -> {
                    assertThat(m.path()).isEqualTo(Mitigation.EMERGENCY);
                    assertThat(m.status()).isEqualTo(Mitigation.APPLIED);
                });
        assertThat(handoff.accept(Assessments.risk(40).principal("u-4").build()).kind())
                .as("straight to the engine again").isEqualTo("mitigated");
    }

    @Test
    void aNoticeMadeWhileTheStoreIsDownIsListedOnceItIsBackAndOnlyOnce() throws Exception {
        startOnH2Server();
        Outcome o = api.handle(Assessments.risk(40).build());
        var list = new io.shadow.mitigation.notify.HoldingNotifier("web UI list",
                new io.shadow.mitigation.notify.StoreNotifier(api.store()));
        var notice = new io.shadow.mitigation.store.NotificationRecord("ntf-held-1", o.incidentId(), o.mitigationId(),
                "acme", "action_failed", io.shadow.mitigation.store.NotificationRecord.OPERATORS,
                "Action failed: rate_limit not taken", "held while the store was out", java.time.Instant.now());
        int port = h2.getPort();
        h2.stop();

        list.send(notice); // no exception: the engine goes on
        assertThat(list.held()).isEqualTo(1);
        assertThat(list.retry()).as("still out").isZero();

        h2 = h2Server(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (list.retry() == 0 && list.held() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(list.held()).isZero();
        assertThat(api.store().notifications(o.incidentId())).extracting(n -> n.notificationId())
                .containsOnlyOnce("ntf-held-1");
        list.send(notice); // the same notice again (a commit whose answer was lost): listed once
        assertThat(api.store().notifications(o.incidentId())).filteredOn(n -> n.notificationId().equals("ntf-held-1"))
                .hasSize(1);
    }

    @Test
    void anOperatorsAlertAboutAnEmergencyIsMadeEvenWhenTheStoreGoesOutRightAfterItWasRecorded() throws Exception {
        startOnH2Server();
        var list = new HoldingNotifier("web UI list", new StoreNotifier(api.store()));
        int port = h2.getPort();
        Notifier outageAfterTheNotice = n -> {
            if (n.kind().equals("emergency_shutdown")) {
                h2.stop(); // the mitigation and its notice are stored; the operators' alert comes next
            }
        };
        var engine = new MitigationEngine(api.store(), ProfileLoader.defaults(), api.service().engine().actuators(),
                List.of(list, outageAfterTheNotice), Clock.systemUTC(), Duration.ofHours(1));

        Outcome o = engine.handle(Assessments.risk(90).principal("u-2").build()); // no key of u-2 to rotate

        assertThat(o.kind()).isEqualTo("mitigated");
        assertThat(list.held()).as("the alert, made without reading the store, waits for it").isEqualTo(1);
        h2 = h2Server(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (list.held() > 0 && System.nanoTime() < deadline) {
            list.retry();
            Thread.sleep(100);
        }
        assertThat(api.store().notifications(o.incidentId())).extracting(n -> n.kind())
                .containsExactly("emergency_shutdown", "action_skipped");
        assertThat(api.store().notifications(o.incidentId())).filteredOn(n -> n.kind().equals("action_skipped"))
                .singleElement().satisfies(n -> assertThat(n.body()).startsWith("Mitigation " + o.mitigationId()
                        + " of incident " + o.incidentId() + " (principal u-2): not taken: rotate_keys"));
    }

    @Test
    void aNewcomersAssessmentHeldDuringAnOutageIsHeldInTheBandItWillBeActedOn() throws Exception {
        startOnH2Server();
        handoff = new MitigationHandoff(api.service().engine(), 100, Duration.ofHours(1), Clock.systemUTC(), null);
        h2.stop();

        Outcome o = handoff.accept(Assessments.risk(90).principal(null).host("vm-new").ofHost()
                .on(ResourceType.COMPUTE, "host:vm-new").with(new Evidence(Evidence.COLD_START, "baseline",
                        "none of its own yet", "its population's", 0, Assessments.T0)).build());

        assertThat(o).as("medium, as the engine will act on it: no emergency on a newcomer's population figures")
                .isEqualTo(new Outcome("held", Band.MEDIUM, null, null));
    }

    @Test
    void beyondItsCapacityTheLowestRiskAssessmentIsDropped() throws Exception {
        startOnH2Server();
        handoff = new MitigationHandoff(api.service().engine(), 2, Duration.ofHours(1), Clock.systemUTC(), null);
        h2.stop();

        assertThat(handoff.accept(Assessments.risk(70).principal("u-2").build()).kind()).isEqualTo("held");
        assertThat(handoff.accept(Assessments.risk(35).principal("u-3").build()).kind()).isEqualTo("held");
        assertThat(handoff.accept(Assessments.risk(95).principal("u-4").build()).kind())
                .as("the 35 makes room").isEqualTo("held");
        assertThat(handoff.accept(Assessments.risk(31).principal("u-5").build()))
                .as("the lowest is the newcomer").isEqualTo(new Outcome("dropped", Band.LOW, null, null));

        assertThat(handoff.held()).isEqualTo(2);
        assertThat(handoff.dropped()).isEqualTo(2);
        assertThat(handoff.heldNow()).extracting(a -> a.anomaly().principal()).containsExactly("u-2", "u-4");
    }

    @Test
    void whatIsStillHeldWhenTheServiceStopsIsHandedOverAtTheNextStart() throws Exception {
        Path file = dir.resolve("held-assessments.jsonl");
        int port = startWithTheStoreDown(file);
        handoff.accept(Assessments.risk(90).principal("u-2").host("ws-2").build());
        handoff.accept(Assessments.risk(45).principal("u-3").host("ws-3").build());

        handoff.close();
        handoff = null;

        assertThat(java.nio.file.Files.readAllLines(file)).as("one assessment per line").hasSize(2);
        startAgainWhenTheStoreIsBack(port, file);

        assertThat(file).as("removed once handed over").doesNotExist();
        assertThat(handoff.held()).isZero();
        assertThat(api.store().incidents(null, null, 10)).extracting(Incident::principal, Incident::band)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("u-3", Band.LOW),
                        org.assertj.core.groups.Tuple.tuple("u-2", Band.HIGH));
    }

    @Test
    void whatIsHeldWhenTheProcessIsKilledOutrightIsHandedOverAtTheNextStart() throws Exception {
        Path file = dir.resolve("held-assessments.jsonl");
        int port = startWithTheStoreDown(file);
        handoff.accept(Assessments.risk(90).principal("u-2").host("ws-2").build());
        handoff.accept(Assessments.risk(60).principal("u-3").host("ws-3").build());

        // SIGKILL: no close(), so only what was written as each assessment was held survives
        Path leftByTheKill = dir.resolve("killed.jsonl");
        java.nio.file.Files.copy(file, leftByTheKill);
        handoff.close();
        handoff = null;
        startAgainWhenTheStoreIsBack(port, leftByTheKill);

        assertThat(leftByTheKill).as("removed once handed over").doesNotExist();
        assertThat(api.store().incidents(null, null, 10)).extracting(Incident::principal, Incident::band)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("u-2", Band.HIGH),
                        org.assertj.core.groups.Tuple.tuple("u-3", Band.MEDIUM));
    }

    @Test
    void theHeldFileListsWhatIsHeldNotWhatWasDropped() throws Exception {
        Path file = dir.resolve("held-assessments.jsonl");
        startOnH2Server();
        handoff = new MitigationHandoff(api.service().engine(), 2, Duration.ofMillis(100), Clock.systemUTC(), file);
        h2.stop();

        handoff.accept(Assessments.risk(70).principal("u-2").build());
        handoff.accept(Assessments.risk(35).principal("u-3").build());
        handoff.accept(Assessments.risk(95).principal("u-4").build());
        assertThat(handoff.dropped()).isEqualTo(1);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (java.nio.file.Files.readAllLines(file).size() != 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(java.nio.file.Files.readAllLines(file)).as("rewritten at the next retry without the dropped one")
                .hasSize(2).noneMatch(l -> l.contains("u-3")).anyMatch(l -> l.contains("u-2"))
                .anyMatch(l -> l.contains("u-4"));
    }

    @Test
    void aHeldFileLineThatIsNoAssessmentIsSkippedAndTheRestIsHandedOver() throws Exception {
        Path file = dir.resolve("held-assessments.jsonl");
        int port = startWithTheStoreDown(file);
        handoff.accept(Assessments.risk(90).principal("u-2").host("ws-2").build());
        handoff.close();
        handoff = null;
        java.nio.file.Files.writeString(file, "{\"risk\": {\"score\": 50}}\nnot json\n"
                + java.nio.file.Files.readString(file));

        startAgainWhenTheStoreIsBack(port, file);

        assertThat(file).doesNotExist();
        assertThat(api.store().incidents(null, null, 10)).extracting(Incident::principal).containsExactly("u-2");
    }

    @Test
    void actionsInForceThatCannotBeRecordedAreReportedNotDoneAgain() throws Exception {
        startOnH2Server();
        handoff = new MitigationHandoff(api.service().engine(), 100, Duration.ofMillis(100), Clock.systemUTC(),
                null);
        // the store refuses new incidents, after the engine has looked for an open one and acted
        try (var c = java.sql.DriverManager.getConnection("jdbc:h2:tcp://localhost:" + h2.getPort() + "/shadow", "sa",
                ""); var st = c.createStatement()) {
            st.execute("ALTER TABLE incidents ADD CONSTRAINT no_new_incidents CHECK (incident_id = '') NOCHECK");
        }

        Outcome o = handoff.accept(Assessments.risk(40).build());

        assertThat(o).isEqualTo(new Outcome("incomplete", Band.LOW, null, null));
        assertThat(handoff.held()).as("acting again would throttle twice").isZero();
        assertThat(api.service().engine().actuators().gateway().size()).as("the throttle is in force").isEqualTo(1);
        assertThat(api.store().mitigations()).as("but not recorded").isEmpty();
    }

    @Test
    void apiRequestsDuringTheOutageAreToldToRetry() throws Exception {
        startOnH2Server();
        assertThat(api.get("/v1/incidents", RunningApi.OPERATOR).statusCode()).isEqualTo(200);
        int port = h2.getPort();
        h2.stop();

        HttpResponse<String> r = api.get("/v1/incidents", RunningApi.OPERATOR);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        assertThat(RunningApi.json(r).get("error").asText()).startsWith("the mitigation store is unavailable: it ")
                .endsWith("; the request did not complete, retry it after 5 s");

        h2 = h2Server(port);
        assertThat(api.get("/v1/incidents", RunningApi.OPERATOR).statusCode()).as("back").isEqualTo(200);
    }
}
