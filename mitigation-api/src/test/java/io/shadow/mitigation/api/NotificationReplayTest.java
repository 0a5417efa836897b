package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.api.SseEvents.Event;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.NotificationRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/notifications/stream with Last-Event-ID: a client that reconnects first gets, from the
 * store, the notifications made since its last event that it may see, in order, then the live ones,
 * without a gap or a repeat. Every notification here is made at the same instant (a manual clock):
 * the order is the one they were stored in, not their time.
 */
class NotificationReplayTest extends OnEveryBackend {
    private static final String STREAM = "/v1/notifications/stream";
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private final List<SseEvents> streams = new ArrayList<>();
    private RunningApi api;
    /** Each assessment is a new incident: the one before lies outside the incident window. */
    private int hours;

    @BeforeEach
    void start() {
        api = RunningApi.start(store(), ProfileLoader.defaults(), clock);
    }

    @AfterEach
    void stop() {
        streams.forEach(SseEvents::close);
        api.close();
    }

    /** The id of the notification of a new mitigation for {@code principal} of {@code tenant}. */
    private String notify(String tenant, String principal) {
        hours += 2;
        Outcome o = api.handle(Assessments.risk(40).tenant(tenant).principal(principal)
                .later(Duration.ofHours(hours)).build());
        return api.store().notifications(o.incidentId()).stream()
                .filter(n -> n.mitigationId().equals(o.mitigationId())).findFirst().orElseThrow().notificationId();
    }

    private SseEvents open(String pathAndQuery, String token, String... headers) throws Exception {
        SseEvents s = SseEvents.open(api, pathAndQuery, token, headers);
        streams.add(s);
        return s;
    }

    /** The ids of the next {@code n} events, each of which must be a notification. */
    private static List<String> nextIds(SseEvents s, int n) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = s.next(30_000);
            assertThat(e).as("event %d of %d (got %s)", i + 1, n, ids).isNotNull();
            assertThat(e.name()).as(e.toString()).isEqualTo("notification");
            assertThat(e.id()).as("every notification event has its id").isNotBlank();
            assertThat(e.data()).contains("\"notificationId\":\"" + e.id() + "\"");
            ids.add(e.id());
        }
        return ids;
    }

    private static void assertNothingMore(SseEvents s) throws InterruptedException {
        assertThat(s.next(500)).as("no event after those expected (no repeat)").isNull();
    }

    @Test
    void aReconnectGetsExactlyTheNotificationsItMissedInOrderThenTheLiveOnes() throws Exception {
        SseEvents before = open(STREAM, RunningApi.USER_U1);
        awaitClients(1);
        String seen = notify("acme", "u-1");
        assertThat(nextIds(before, 1)).containsExactly(seen);
        before.close(); // the network blips

        List<String> missed = List.of(notify("acme", "u-1"), notify("acme", "u-1"), notify("acme", "u-1"));
        SseEvents after = open(STREAM, RunningApi.USER_U1, "Last-Event-ID", seen);

        assertThat(nextIds(after, 3)).as("the missed ones, in the order they were made").isEqualTo(missed);
        String live = notify("acme", "u-1");
        assertThat(nextIds(after, 1)).as("then the live ones").containsExactly(live);
        assertNothingMore(after);
    }

    @Test
    void theLastEventIdMayComeAsTheQueryParameterEventSourcePolyfillsSend() throws Exception {
        String seen = notify("acme", "u-1");
        String missed = notify("acme", "u-1");

        SseEvents s = open(STREAM + "?lastEventId=" + seen, RunningApi.USER_U1);

        assertThat(nextIds(s, 1)).containsExactly(missed);
        assertNothingMore(s);
    }

    @Test
    void aUserIsReplayedOnlyTheirOwnNotificationsAndAnOperatorAll() throws Exception {
        String seen = notify("acme", "u-1");
        String ofU2 = notify("acme", "u-2");
        String ofNamesake = notify("globex", "u-1");
        String own = notify("acme", "u-1");
        String ofU2Again = notify("acme", "u-2");

        SseEvents u1 = open(STREAM, RunningApi.USER_U1, "Last-Event-ID", seen);
        SseEvents operator = open(STREAM, RunningApi.OPERATOR, "Last-Event-ID", seen);

        assertThat(nextIds(u1, 1)).as("u-1 of acme: neither u-2's nor globex's u-1's").containsExactly(own);
        assertThat(nextIds(operator, 4)).containsExactly(ofU2, ofNamesake, own, ofU2Again);
        notify("acme", "u-2");
        String ownLive = notify("acme", "u-1");
        assertThat(nextIds(u1, 1)).containsExactly(ownLive);
        assertNothingMore(u1);
    }

    @Test
    void anIdTheCallerMayNotSeeReplaysNothingAndIsAnsweredAsAnUnknownOne() throws Exception {
        String ofAcme = notify("acme", "u-1");
        notify("globex", "u-1"); // made after acme's: replaying it would tell globex that acme's id exists

        SseEvents otherTenant = open(STREAM, RunningApi.USER_GLOBEX_U1, "Last-Event-ID", ofAcme);
        SseEvents otherPrincipal = open(STREAM, RunningApi.USER_U2, "Last-Event-ID", ofAcme);
        SseEvents unknown = open(STREAM, RunningApi.USER_GLOBEX_U1, "Last-Event-ID", "ntf-never-made");

        Event foreign = otherTenant.next(30_000);
        assertThat(foreign).isNotNull();
        assertThat(foreign.name()).isEqualTo("reload");
        assertThat(foreign.id()).as("the client's last id is left as it is").isNull();
        JsonNode data = ServiceApp.JSON.readTree(foreign.data());
        assertThat(data.path("reason").asText()).isEqualTo("unknown_last_event_id");
        assertThat(data.path("message").asText()).contains("GET /v1/notifications");
        assertThat(otherPrincipal.next(30_000)).as("another principal's id of the same tenant").isEqualTo(foreign);
        assertThat(unknown.next(30_000)).as("an id never made: the same answer").isEqualTo(foreign);

        String live = notify("globex", "u-1");
        assertThat(nextIds(otherTenant, 1)).as("nothing replayed, then the live ones").containsExactly(live);
        assertNothingMore(otherTenant);
    }

    @Test
    void aClientThatMissedMoreThanTheBoundGetsTheNewestAndIsToldToReloadTheRest() throws Exception {
        String seen = notify("acme", "u-1");
        NotificationRecord of = api.store().notification(seen).orElseThrow();
        int made = NotificationRoutes.REPLAY_MAX + 2;
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < made; i++) {
            String id = "ntf-bulk-" + i;
            api.store().insertNotification(new NotificationRecord(id, of.incidentId(), of.mitigationId(), "acme",
                    of.kind(), "u-1", of.subject(), of.body(), of.createdAt()));
            missed.add(id);
        }

        SseEvents s = open(STREAM, RunningApi.USER_U1, "Last-Event-ID", seen);

        Event reload = s.next(30_000);
        assertThat(reload).isNotNull();
        assertThat(reload.name()).isEqualTo("reload");
        JsonNode data = ServiceApp.JSON.readTree(reload.data());
        assertThat(data.path("reason").asText()).isEqualTo("too_many_missed");
        assertThat(data.path("message").asText()).contains("more than 1000", "GET /v1/notifications");
        assertThat(nextIds(s, NotificationRoutes.REPLAY_MAX)).isEqualTo(missed.subList(2, made));
        String live = notify("acme", "u-1");
        assertThat(nextIds(s, 1)).containsExactly(live);
        assertNothingMore(s);
    }

    @Test
    void aNotificationBothReplayedAndPushedLiveIsSentOnce() throws Exception {
        String seen = notify("acme", "u-1");
        NotificationRecord of = api.store().notification(seen).orElseThrow();
        // stored before the replay is read, pushed once the client is subscribed (the engine stores, then pushes)
        NotificationRecord both = new NotificationRecord("ntf-both", of.incidentId(), of.mitigationId(), "acme",
                of.kind(), "u-1", of.subject(), of.body(), of.createdAt());
        api.store().insertNotification(both);

        SseEvents s = open(STREAM, RunningApi.USER_U1, "Last-Event-ID", seen);
        assertThat(nextIds(s, 1)).containsExactly("ntf-both");
        api.service().stream().send(both);
        String live = notify("acme", "u-1");

        assertThat(nextIds(s, 1)).containsExactly(live);
        assertNothingMore(s);
    }

    /**
     * Waits until {@code n} clients are subscribed: the response's headers reach the client before the
     * server subscribes it, so a notification made right after {@code open} could miss it. At most 30 s
     * (a loaded machine), then fails saying so rather than letting a later wait for an event time out.
     */
    private void awaitClients(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (api.service().stream().clients() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(api.service().stream().clients()).as("SSE clients subscribed").isGreaterThanOrEqualTo(n);
    }
}
