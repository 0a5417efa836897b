package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.ResourceType;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.baseline.EntityBaseline;
import io.shadow.features.baseline.FeatureBaseline;
import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.FactorContribution;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.ThreatIndicatorTable;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer with its threat intelligence read by Delta Kernel from a golden {@code threat_indicators}
 * table (written by spark-jobs' ThreatIntelSyncIT after two syncs: see that test to regenerate it).
 */
class ScorerThreatIntelTest {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");

    private static BaselineSnapshot quietPrincipals() {
        Map<EntityKey, EntityBaseline> m = new java.util.HashMap<>();
        for (String p : List.of("u-7", "u-8", "u-9", "*")) {
            Map<Feature, FeatureBaseline> f = new EnumMap<>(Feature.class);
            f.put(Feature.EVENTS, FeatureBaseline.flat(3, 2, 3, 6, 0, 2, 2000));
            f.put(Feature.DELETES, FeatureBaseline.flat(0, 0, 0.01, 0.01, 0, 0.1, 2000));
            m.put(EntityKey.principal("acme", p), new EntityBaseline(EntityKey.principal("acme", p), f, Map.of()));
        }
        return new BaselineSnapshot(1, T0, m);
    }

    /** The last assessment of a burst of deletes by {@code principal} from {@code ip} on {@code resource}. */
    private static Assessment burst(OnlineScorer scorer, String principal, String ip, String resource) {
        List<Assessment> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.addAll(scorer.score(ActivityEvent.builder().tenant("acme").time(T0.plusSeconds(i))
                    .eventClass(EventClass.API_ACTIVITY).operation("DeleteObject").principal(principal).srcIp(ip)
                    .resourceType(ResourceType.DATA_STORAGE).resourceId(resource).build()).assessments());
        }
        assertThat(out).as("the burst raises an anomaly").isNotEmpty();
        return out.get(out.size() - 1);
    }

    private static double threatIntel(Assessment a) {
        return a.risk().contributions().stream().filter(c -> c.factor().equals("threat_intel"))
                .mapToDouble(FactorContribution::value).findFirst().orElseThrow();
    }

    @Test
    void anEventFromAnAddressInASyncedCidrGetsAThreatIntelContribution(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(Path.of(getClass().getResource("/tables").toURI()));
        ThreatIndicatorTable.Loaded loaded = ThreatIndicatorTable.load(new KernelTableReader(), catalog, List.of());
        assertThat(loaded.tableVersion()).as("read from the table, not the fallback").isNotNegative();
        RiskModelHolder models = new RiskModelHolder(new LocalModelRegistry(dir.resolve("registry")), "shadow-risk");
        try {
            OnlineScorer scorer = new OnlineScorer(DetectorConfig.defaults(), quietPrincipals(), loaded.intel(),
                    PatternHistory.EMPTY, ResourceRisk.defaults(), models, a -> "observed");

            Assessment fromRelay = burst(scorer, "u-7", "203.0.113.45", "s3://finance");
            assertThat(threatIntel(fromRelay)).isEqualTo(0.8);
            assertThat(fromRelay.risk().contributions()).filteredOn(c -> c.factor().equals("threat_intel"))
                    .singleElement().extracting(FactorContribution::points).asInstanceOf(
                            org.assertj.core.api.InstanceOfAssertFactories.DOUBLE).isPositive();
            assertThat(fromRelay.anomaly().evidence()).anySatisfy(e -> assertThat(e.describe())
                    .contains("203.0.113.45").contains("cert.json (203.0.113.0/24)"));

            Assessment fromMovedC2 = burst(scorer, "u-8", "198.51.100.10", "s3://finance");
            assertThat(threatIntel(fromMovedC2)).as("superseded by a newer version of the indicator").isZero();

            Assessment payload = burst(scorer, "u-9", "10.0.0.5",
                    "https://cdn.payload-drop.example/files/invoice_2026.js");
            assertThat(threatIntel(payload)).as("the resource is a URL indicator inside its window").isEqualTo(0.65);
        } finally {
            models.close();
        }
    }

    @Test
    void theServiceStartsOnTheFeedFilesAndSwitchesToTheTableOnceTheSyncWroteIt(@TempDir Path dir) throws Exception {
        Path feed = Files.writeString(dir.resolve("c2.txt"), "198.51.100.10\n");
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        ScorerService service = new ScorerService(DetectorConfig.defaults(),
                BaselineSource.fixed(quietPrincipals(), PatternHistory.EMPTY),
                new DeltaThreatIntel(new KernelTableReader(), catalog, List.of(feed)), ResourceRisk.defaults(),
                new RiskModelHolder(new LocalModelRegistry(dir.resolve("registry")), "shadow-risk"), a -> "observed",
                ScorerSettings.defaults());
        try {
            assertThat(threatIntel(burst(service.scorer(), "u-7", "198.51.100.10", "s3://finance")))
                    .as("no table yet: the configured feed file").isEqualTo(0.9);
            assertThat(service.reload()).doesNotContain("threat indicators");

            Path golden = Path.of(getClass().getResource("/tables/silver/threat_indicators").toURI());
            Path table = Files.createDirectories(dir.resolve("warehouse/silver")).resolve("threat_indicators");
            try (Stream<Path> files = Files.walk(golden)) {
                for (Path p : files.toList()) {
                    Files.copy(p, table.resolve(golden.relativize(p).toString()));
                }
            }
            assertThat(service.reload()).contains("threat indicators v4");
            assertThat(threatIntel(burst(service.scorer(), "u-8", "198.51.100.10", "s3://finance")))
                    .as("superseded in the table").isZero();
            assertThat(threatIntel(burst(service.scorer(), "u-9", "203.0.113.45", "s3://finance"))).isEqualTo(0.8);
        } finally {
            service.close();
        }
    }
}
