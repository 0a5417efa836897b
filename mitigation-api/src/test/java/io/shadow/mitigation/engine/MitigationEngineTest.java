package io.shadow.mitigation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.shadow.features.ResourceType;
import io.shadow.features.signal.Evidence;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.profile.MitigationProfile;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.AuditEntry;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.Mitigation;
import io.shadow.mitigation.store.MitigationStore;
import io.shadow.mitigation.store.NotificationRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MitigationEngineTest extends OnEveryBackend {
    private MitigationService service;
    private MitigationEngine engine;
    private MitigationStore store;
    private io.shadow.mitigation.actuate.KeyVault.IssuedKey key;

    @BeforeEach
    void open() {
        service = new MitigationService(super.store().open(), ProfileLoader.defaults(),
                Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1));
        engine = service.engine();
        store = service.store();
        key = engine.actuators().keys().issue(Assessments.TENANT, "u-1"); // what a rotate_keys replaces
    }

    @AfterEach
    void close() {
        service.close();
    }

    private static List<String> actions(List<AuditEntry> log) {
        return log.stream().map(AuditEntry::action).toList();
    }

    @Test
    void riskBelowTheLowThresholdIsOnlyObserved() {
        Outcome o = engine.handle(Assessments.risk(29.9).build());

        assertThat(o).isEqualTo(new Outcome("observed", Band.NONE, null, null));
        assertThat(store.incidents(null, null, 100)).isEmpty();
        assertThat(store.mitigations()).isEmpty();
        assertThat(store.notifications(null)).isEmpty();
        assertThat(engine.actuators().gateway().size()).isZero();
    }

    @Test
    void anEntityWithoutABaselineOfItsOwnIsContainedAtMediumNotByTheEmergencyPathUnlessThreatIntelCorroborates() {
        Evidence coldStart = new Evidence(
                Evidence.COLD_START, "baseline", "none of its own yet",
                "its population's, every host of tenant acme", 0, Assessments.T0);
        Outcome newHost = engine.handle(Assessments.risk(83).host("vm-new").ofHost()
                .on(ResourceType.COMPUTE, "host:vm-new").with(coldStart).build());

        assertThat(newHost.band()).isEqualTo(Band.MEDIUM);
        assertThat(store.mitigation(newHost.mitigationId()).orElseThrow()).satisfies(m -> {
            assertThat(m.path()).isEqualTo(Mitigation.STANDARD);
            assertThat(m.profile()).isEqualTo("isolate-workload");
        });

        Outcome listed = engine.handle(Assessments.risk(83).host("vm-listed").ofHost()
                .on(ResourceType.COMPUTE, "host:vm-listed").with(coldStart)
                .with(new Evidence(Evidence.THREAT_INTEL, "src_ip",
                        "185.220.101.47", "tor-exits (185.220.101.0/24)", 0, Assessments.T0)).build());
        assertThat(listed.band()).as("corroborated").isEqualTo(Band.HIGH);
        assertThat(store.mitigation(listed.mitigationId()).orElseThrow().path())
                .isEqualTo(Mitigation.EMERGENCY);

        Outcome known = engine.handle(Assessments.risk(83).host("vm-known").ofHost()
                .on(ResourceType.COMPUTE, "host:vm-known").build());
        assertThat(known.band()).as("a host with its own baseline").isEqualTo(Band.HIGH);
    }

    @Test
    void aLowBandAnomalyOfAHostIsOnlyLoggedAndItsNoticeSaysSoRatherThanMitigated() {
        Outcome o = engine.handle(Assessments.risk(40).principal(null).host("dev-1").ofHost()
                .on(ResourceType.COMPUTE, "host:dev-1").build()); // throttle: no principal to limit

        assertThat(store.actionsOf(o.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactly(tuple("rate_limit", ActionRecord.SKIPPED),
                        tuple("log", ActionRecord.APPLIED));
        assertThat(store.notifications(o.incidentId())).singleElement().satisfies(n -> assertThat(n.subject())
                .isEqualTo("[Shadow] Logged, not contained: low risk from dev-1 on host:dev-1"));
    }

    @Test
    void aDryRunSaysWhichActionsItWouldSkipForWhatTheAnomalyNames() {
        var defaults = ProfileLoader.defaults();
        engine.updateProfiles(new ProfileSet(defaults.version() + 1, "test",
                defaults.low(), defaults.medium(), defaults.high(), defaults.profiles().stream()
                        .map(p -> new MitigationProfile(p.name(), p.band(),
                                p.resourceTypes(), p.evidence(), true, p.actions()))
                        .toList()), "test");

        Outcome o = engine.handle(Assessments.risk(90).principal(null).host("dev-1").ofHost()
                .on(ResourceType.COMPUTE, "host:dev-1").build()); // emergency-workload-shutdown

        assertThat(store.actionsOf(o.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactly(tuple("isolate_host", ActionRecord.DRY_RUN),
                        tuple("suspend_process", ActionRecord.DRY_RUN),
                        tuple("lock_user", ActionRecord.SKIPPED));
        assertThat(store.actionsOf(o.mitigationId()).get(2).detail())
                .isEqualTo("dry run: would skip: lock_user needs a principal and the anomaly has none");
        assertThat(engine.actuators().gateway().size()).as("a dry run changes nothing").isZero();
    }

    @Test
    void lowBandThrottlesAndLogsThenNotifies() {
        Outcome o = engine.handle(Assessments.risk(40).build());

        assertThat(o.kind()).isEqualTo("mitigated");
        assertThat(o.band()).isEqualTo(Band.LOW);
        Mitigation m = store.mitigation(o.mitigationId()).orElseThrow();
        assertThat(m.incidentId()).isEqualTo(o.incidentId());
        assertThat(m.profile()).isEqualTo("throttle");
        assertThat(m.path()).isEqualTo(Mitigation.STANDARD);
        assertThat(m.status()).isEqualTo(Mitigation.APPLIED);
        List<ActionRecord> acts = store.actionsOf(m.mitigationId());
        assertThat(acts).extracting(ActionRecord::type).containsExactlyInAnyOrder("rate_limit", "log");
        assertThat(acts).extracting(ActionRecord::status).containsOnly(ActionRecord.APPLIED);
        ActionRecord rate = acts.stream().filter(a -> a.type().equals("rate_limit")).findFirst().orElseThrow();
        assertThat(rate.detail()).isEqualTo("gateway throttles u-1 to 20 requests/min");
        assertThat(Duration.between(rate.appliedAt(), rate.expiresAt())).isEqualTo(Duration.ofHours(1));
        assertThat(engine.actuators().gateway().size()).isEqualTo(1);

        NotificationRecord n = store.notifications(o.incidentId()).get(0);
        assertThat(n.kind()).isEqualTo("mitigation_applied");
        assertThat(n.recipient()).isEqualTo("u-1");
        assertThat(n.mitigationId()).isEqualTo(m.mitigationId());
        assertThat(n.subject()).isEqualTo("[Shadow] Mitigated: low risk from u-1 on " + Assessments.BUCKET);
        assertThat(n.createdAt()).isAfterOrEqualTo(m.appliedAt());

        List<String> log = actions(store.auditLog(null));
        assertThat(log).containsSubsequence("incident.opened", "action.applied", "action.applied",
                "mitigation.applied", "notification.sent");
        assertThat(log.lastIndexOf("action.applied")).isLessThan(log.indexOf("notification.sent"));
    }

    @Test
    void aMitigationsActionsAreListedInItsProfilesOrderEvenWhenTheClockGivesThemOneInstant() {
        try (MitigationService frozen = new MitigationService(super.store().open(), ProfileLoader.defaults(),
                Clock.fixed(Assessments.T0, java.time.ZoneOffset.UTC), Duration.ofHours(1), Duration.ofHours(1))) {
            for (int k = 0; k < 12; k++) { // twelve chances for ids in random order to show it
                Outcome o = frozen.engine().handle(Assessments.risk(40).principal("u-" + k).build());

                assertThat(frozen.store().actionsOf(o.mitigationId())).extracting(ActionRecord::type)
                        .as("what notices and the UI list, in the order the profile gives").containsExactly(
                                "rate_limit", "log");
            }
        }
    }

    @Test
    void aBurstOfFailedLoginsIsRestrictedForAnHourWithoutAnIrreversibleKeyRotation() {
        Outcome typos = engine.handle(Assessments.risk(60).evidence("failures").on(ResourceType.IDENTITY,
                "iam:console").build());
        Outcome escalation = engine.handle(Assessments.risk(60).principal("u-2").evidence("privileged_ops")
                .on(ResourceType.IDENTITY, "iam:role/admin").build());

        Mitigation m = store.mitigation(typos.mitigationId()).orElseThrow();
        assertThat(m.profile()).isEqualTo("contain-failed-logins");
        assertThat(store.actionsOf(m.mitigationId())).extracting(ActionRecord::type).containsExactly("restrict");
        ActionRecord restrict = store.actionsOf(m.mitigationId()).get(0);
        assertThat(Duration.between(restrict.appliedAt(), restrict.expiresAt())).isEqualTo(Duration.ofHours(1));
        assertThat(store.mitigation(escalation.mitigationId()).orElseThrow().profile()).isEqualTo("contain-identity");
        assertThat(store.actionsOf(escalation.mitigationId())).extracting(ActionRecord::type)
                .containsExactly("restrict", "rotate_keys");
    }

    @Test
    void aLowBandTransferAnomalyAlsoRestrictsTheResourceForAQuarterOfAnHourWhereARateLimitWouldNotSlowIt() {
        Outcome transfer = engine.handle(Assessments.risk(40).evidence("bytes_out").build());
        Outcome deletes = engine.handle(Assessments.risk(40).principal("u-2").build());

        Mitigation m = store.mitigation(transfer.mitigationId()).orElseThrow();
        assertThat(m.profile()).isEqualTo("restrict-transfer");
        assertThat(store.actionsOf(m.mitigationId())).extracting(ActionRecord::type)
                .containsExactly("restrict", "rate_limit", "log");
        assertThat(store.actionsOf(m.mitigationId()).get(0).detail()).contains(Assessments.BUCKET);
        ActionRecord restrict = store.actionsOf(m.mitigationId()).get(0);
        assertThat(Duration.between(restrict.appliedAt(), restrict.expiresAt())).isEqualTo(Duration.ofMinutes(15));
        assertThat(store.mitigation(deletes.mitigationId()).orElseThrow().profile()).isEqualTo("throttle");
    }

    @Test
    void highRiskShutsDownAtOnceWithoutAskingAndReportsAfterwards() {
        Outcome o = engine.handle(Assessments.risk(90).build());

        assertThat(o.kind()).isEqualTo("mitigated");
        assertThat(o.band()).isEqualTo(Band.HIGH);
        Mitigation m = store.mitigation(o.mitigationId()).orElseThrow();
        assertThat(m.path()).isEqualTo(Mitigation.EMERGENCY);
        assertThat(m.status()).as("no approval needed").isEqualTo(Mitigation.APPLIED);
        assertThat(m.profile()).isEqualTo("emergency-data-shutdown");
        assertThat(store.actionsOf(m.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("lock_user", "applied"),
                        org.assertj.core.groups.Tuple.tuple("shutdown_resource", "applied"),
                        org.assertj.core.groups.Tuple.tuple("rotate_keys", "applied"));
        assertThat(actions(store.auditLog(m.mitigationId()))).contains("mitigation.emergency_shutdown")
                .doesNotContain("mitigation.applied");
        List<String> log = actions(store.auditLog(null));
        assertThat(log.indexOf("mitigation.emergency_shutdown")).isLessThan(log.indexOf("notification.sent"));

        NotificationRecord n = store.notifications(o.incidentId()).get(0);
        assertThat(n.kind()).isEqualTo("emergency_shutdown");
        assertThat(n.subject()).isEqualTo("[Shadow] Emergency shutdown: high risk from u-1 on " + Assessments.BUCKET);
        assertThat(n.body()).contains("What was done (emergency path: applied at once, no approval asked):");
    }

    @Test
    void anEmergencyDoesNotShutDownAWholeApplicationOnlyThePrincipal() {
        for (String whole : List.of("/", "s3://", "https://app.example.com/", "C:\\")) {
            engine.actuators().keys().issue(Assessments.TENANT, "mallory-" + whole.length());
            Outcome o = engine.handle(Assessments.risk(95).principal("mallory-" + whole.length()).on(
                    io.shadow.features.ResourceType.DATA_STORAGE, whole).build());

            assertThat(store.actionsOf(o.mitigationId())).as(whole)
                    .extracting(ActionRecord::type, ActionRecord::status)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("lock_user", "applied"),
                            org.assertj.core.groups.Tuple.tuple("shutdown_resource", "skipped"),
                            org.assertj.core.groups.Tuple.tuple("rotate_keys", "applied"));
            assertThat(store.actionsOf(o.mitigationId())).filteredOn(r -> r.type().equals("shutdown_resource"))
                    .singleElement().satisfies(r -> assertThat(r.detail()).startsWith("shutdown_resource on '" + whole
                            + "' would deny every request of tenant acme to every user"));
            assertThat(engine.actuators().gateway().decide("acme", "alice", whole + "index.html", null).verdict())
                    .as("everyone else still gets in").isEqualTo("allow");
        }
        Outcome bucket = engine.handle(Assessments.risk(95).principal("mallory").build());
        assertThat(store.actionsOf(bucket.mitigationId())).filteredOn(r -> r.type().equals("shutdown_resource"))
                .singleElement().extracting(ActionRecord::status).as("a part of the store still shuts down")
                .isEqualTo("applied");
    }

    @Test
    void theSameAnomalyScoredAgainIsNeitherCountedNorActedOnTwice() {
        // a batch re-sent after the scorer crashed between checkpoints raises the same anomaly ids again
        var first = Assessments.risk(40).build();
        var escalating = Assessments.risk(60).later(Duration.ofMinutes(5)).build();
        Outcome opened = engine.handle(first);
        Outcome escalated = engine.handle(escalating);

        Outcome again = engine.handle(first);
        Outcome escalatedAgain = engine.handle(escalating);

        assertThat(escalated.kind()).isEqualTo("escalated");
        assertThat(again).isEqualTo(new Outcome("attached", Band.MEDIUM, opened.incidentId(), null));
        assertThat(escalatedAgain).isEqualTo(new Outcome("attached", Band.MEDIUM, opened.incidentId(), null));
        assertThat(store.incident(opened.incidentId()).orElseThrow().anomalies()).isEqualTo(2);
        assertThat(store.mitigations()).as("one per band, as before the re-send").hasSize(2);
    }

    @Test
    void laterAnomaliesJoinTheOpenIncidentAndAHigherBandEscalatesIt() {
        Outcome first = engine.handle(Assessments.risk(40).build());
        Outcome same = engine.handle(Assessments.risk(45).later(Duration.ofMinutes(5)).build());
        Outcome lower = engine.handle(Assessments.risk(31).later(Duration.ofMinutes(6)).build());

        assertThat(same).isEqualTo(new Outcome("attached", Band.LOW, first.incidentId(), null));
        assertThat(lower).isEqualTo(new Outcome("attached", Band.LOW, first.incidentId(), null));
        assertThat(store.incident(first.incidentId()).orElseThrow().anomalies()).isEqualTo(3);
        assertThat(store.mitigations()).hasSize(1);

        Outcome higher = engine.handle(Assessments.risk(60).later(Duration.ofMinutes(10)).build());

        assertThat(higher.kind()).isEqualTo("escalated");
        assertThat(higher.band()).isEqualTo(Band.MEDIUM);
        assertThat(higher.incidentId()).isEqualTo(first.incidentId());
        assertThat(higher.mitigationId()).isNotNull().isNotEqualTo(first.mitigationId());
        Incident i = store.incident(first.incidentId()).orElseThrow();
        assertThat(i.band()).isEqualTo(Band.MEDIUM);
        assertThat(i.anomalies()).isEqualTo(4);
        assertThat(i.risk()).isEqualTo(60.0);
        assertThat(store.mitigationsOf(i.incidentId())).extracting(Mitigation::profile)
                .containsExactlyInAnyOrder("throttle", "contain-data-access");
        assertThat(store.auditLog(i.incidentId())).filteredOn(e -> e.action().equals("incident.escalated"))
                .singleElement().extracting(AuditEntry::detail).isEqualTo("low -> medium");

        Outcome afterEscalation = engine.handle(Assessments.risk(40).later(Duration.ofMinutes(12)).build());
        assertThat(afterEscalation).isEqualTo(new Outcome("attached", Band.MEDIUM, first.incidentId(), null));
    }

    @Test
    void otherEntitiesAndAnomaliesAfterTheIncidentWindowOpenNewIncidents() {
        Outcome first = engine.handle(Assessments.risk(40).build());
        Outcome otherUser = engine.handle(Assessments.risk(40).principal("u-2").build());
        Outcome muchLater = engine.handle(Assessments.risk(40).later(Duration.ofHours(2)).build());

        assertThat(otherUser.kind()).isEqualTo("mitigated");
        assertThat(muchLater.kind()).isEqualTo("mitigated");
        assertThat(List.of(first.incidentId(), otherUser.incidentId(), muchLater.incidentId())).doesNotHaveDuplicates();
    }

    @Test
    void theNotificationSaysWhatHappenedWhyWhatWasDoneAndHowToUndoIt() {
        Outcome o = engine.handle(Assessments.risk(40).build());

        String body = store.notifications(o.incidentId()).get(0).body();
        String id = o.mitigationId();
        assertThat(body).startsWith("Shadow detected unusual activity of acme/principal:u-1 on data_storage "
                + Assessments.BUCKET + " at 2025-03-03T10:00:00Z.");
        assertThat(body).contains("Why: risk 40/100 (low band), from 8 for the mildest anomaly Shadow raises: severity +20 (0.80); "
                + "resource risk +12 (0.60); model risk:3.");
        assertThat(body).contains("Evidence:\n - deletes_per_hour = 412, expected 3 ± 1.5 (8.4 spreads out, "
                + "since 2025-02-01T00:00:00Z)\n");
        assertThat(body).contains("What was done (profile throttle):\n");
        assertThat(body).as("to the second").containsPattern(" - rate_limit: gateway throttles u-1 to 20 requests/min "
                + "\\(until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\) "
                + "\\[applied\\]\n");
        assertThat(body).contains(" - log: recorded in the audit log [applied]\n");
        assertThat(body).endsWith("How to undo: reject mitigation " + id + " (POST /v1/mitigations/" + id
                + "/reject) to reverse every action, approve it to confirm the incident, or modify it to replace the "
                + "actions.\n");
    }

    @Test
    void theNotificationDoesNotPromiseToUndoAKeyRotation() {
        Outcome o = engine.handle(Assessments.risk(60).build());

        String body = store.notifications(o.incidentId()).get(0).body();
        String id = o.mitigationId();
        assertThat(body).contains(" - rotate_keys: revoked 1 key(s) of u-1 [" + key.keyId() + "]; new key ");
        assertThat(body).endsWith("How to undo: reject mitigation " + id + " (POST /v1/mitigations/" + id
                + "/reject) to reverse every action except rotate_keys, which cannot be undone (key rotation is not "
                + "reversed: the new key stays active and the old one revoked; a reject records it as kept), approve "
                + "it to confirm the incident, or modify it to replace the actions.\n");
        assertThat(body).doesNotContain("reverse every action,");
    }

    @Test
    void aRejectRecordsTheKeyRotationAsKeptAndUndoesTheRest() {
        Outcome o = engine.handle(Assessments.risk(60).build());

        new Decisions(engine).reject(o.mitigationId(), "olga@acme.example", "a planned clean-up");

        assertThat(store.actionsOf(o.mitigationId())).extracting(ActionRecord::type, ActionRecord::status)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("restrict", ActionRecord.UNDONE),
                        org.assertj.core.groups.Tuple.tuple("rotate_keys", ActionRecord.KEPT));
        assertThat(actions(store.auditLog(o.mitigationId()))).containsOnlyOnce("action.undone", "action.kept");
        assertThat(engine.actuators().gateway().size()).as("the restriction is lifted").isZero();
        assertThat(new io.shadow.mitigation.store.KeyStore(service.database()).keyIds(Assessments.TENANT, "u-1",
                io.shadow.mitigation.store.KeyStore.ACTIVE)).as("the rotated key stays active").hasSize(1);
    }
}
