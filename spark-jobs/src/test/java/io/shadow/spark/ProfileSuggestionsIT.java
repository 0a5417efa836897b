package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.EntityKey;
import io.shadow.features.ResourceType;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.Evidence;
import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.actuate.ActionType;
import io.shadow.mitigation.engine.Decisions;
import io.shadow.mitigation.profile.ActionSpec;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.Database;
import io.shadow.spark.feedback.ProfileSuggestionJob;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real mitigations from the engine with the default profiles, real modify decisions through the
 * decision path, then the nightly step: the profile users keep modifying is reported with the
 * change their modifications agree on; a profile modified once is not.
 */
class ProfileSuggestionsIT {
    private static final Instant T0 = Instant.parse("2026-11-09T10:00:00Z");
    private static final List<ActionSpec> GENTLER = List.of(new ActionSpec(ActionType.RATE_LIMIT,
            Map.of("per_minute", "5"), Duration.ofHours(1)));

    @TempDir
    Path dir;

    @Test
    void aProfileModifiedTheSameWayAgainAndAgainIsReportedWithTheSuggestedChange() {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        String jdbc = Database.h2Url(dir.resolve("store"));
        try (Database db = Database.open(jdbc, "sa", "");
             MitigationService svc = new MitigationService(db, ProfileLoader.defaults(), Clock.systemUTC(),
                     Duration.ofHours(2), Duration.ofMinutes(30))) {
            Decisions decisions = new Decisions(svc.engine());
            List<String> medium = new ArrayList<>();
            for (int i = 0; i < 4; i++) { // each holds a key, which the profile's rotate_keys replaces
                svc.engine().actuators().keys().issue("acme", "u-" + i);
                medium.add(svc.engine().handle(assessment("u-" + i, 65, T0.plusSeconds(i * 60L))).mitigationId());
            }
            decisions.modify(medium.get(0), "alice", "rotating keys broke the nightly export", GENTLER);
            decisions.modify(medium.get(1), "bob", "just slow them down", GENTLER);
            decisions.modify(medium.get(2), "alice", "same again", GENTLER);
            decisions.approve(medium.get(3), "alice", "right call");
            String low = svc.engine().handle(assessment("u-9", 40, T0)).mitigationId();
            decisions.modify(low, "bob", "once", GENTLER);
        }

        ProfileSuggestionJob.Result r = new ProfileSuggestionJob(SharedSpark.session(), catalog, jdbc, "sa", "", 2)
                .run();

        assertThat(r.suggestions()).singleElement().satisfies(s -> {
            assertThat(s.profile()).isEqualTo("contain-data-access");
            assertThat(s.modifications()).isEqualTo(3);
            assertThat(s.mitigations()).isEqualTo(4);
            assertThat(s.users()).isEqualTo(2);
            assertThat(s.removed()).containsEntry("restrict", 3L).containsEntry("rotate_keys", 3L);
            assertThat(s.suggestion()).isEqualTo("drop restrict; drop rotate_keys; add rate_limit {\"per_minute\":\"5\"}");
            assertThat(s.line()).startsWith("profile contain-data-access (tenant acme): 3 of 4 decided mitigations "
                    + "modified by 2 user(s); suggested change: drop restrict");
        });
        List<String> stored = new ArrayList<>();
        new KernelTableReader().scan(catalog.path(ShadowTable.PROFILE_SUGGESTIONS), row -> stored.add(
                row.string("profile") + " " + row.longValue("modifications") + " " + row.string("suggestion")));
        assertThat(stored).containsExactly("contain-data-access 3 " + r.suggestions().get(0).suggestion());
    }

    private static Assessment assessment(String principal, double risk, Instant at) {
        EntityKey who = EntityKey.principal("acme", principal);
        Anomaly a = new Anomaly("anm-" + principal + "-" + at.getEpochSecond(), who, at, "evt-" + principal, 8.0,
                "bytes_out@data_storage", ResourceType.DATA_STORAGE, "s3://reports", principal, null, "10.0.0.5",
                "aws-cli/2.22.4", List.of(new Evidence("feature", "bytes_out", "9e8", "2e6 ± 1e6", 8.0, at)));
        return new Assessment(a, new RiskScore(risk, 5, List.of(new FactorContribution("severity", 0.8, risk - 5)),
                "test:1"));
    }
}
