package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.agents.simulate.ObservedMitigation;
import io.shadow.agents.simulate.ScenarioLabels;
import io.shadow.agents.simulate.ScenarioScorecard;
import io.shadow.cli.backtest.Backtest;
import io.shadow.cli.backtest.BacktestReport;
import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.features.ActivityEvent;
import io.shadow.features.table.EventTableReader;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.features.table.KernelTableReader;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.scorer.DeltaBaselines;
import io.shadow.scorer.DeltaThreatIntel;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The backtest against the live replay it must reproduce: the demo mitigates its live day through
 * HTTP with enforcement ({@link DemoFixture}); the backtest replays the stored live day through the
 * same profiles without acting, and every figure must match. Then a tightened candidate, through
 * the command line, must change the report the way its threshold says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BacktestIT {
    private DemoFixture.Run demo;
    private ScenarioLabels labels;
    private BacktestReport report;

    private Backtest.Inputs in;

    @BeforeAll
    void replayTheLiveDay() throws Exception {
        demo = DemoFixture.get();
        ShadowConfig cfg = demo.result().config();
        ResolvedPaths paths = ResolvedPaths.of(cfg);
        labels = ScenarioLabels.read(paths.dataDir().resolve(ScenarioLabels.FILE));
        KernelTableReader kernel = new KernelTableReader();
        in = new Backtest.Inputs(paths.catalog(), paths::openRegistry, cfg.detector().toDetectorConfig(),
                new DeltaBaselines(kernel, paths.catalog()), new DeltaThreatIntel(kernel, paths.catalog(),
                        cfg.intel().feeds().stream().map(Path::of).toList()), ResourceRisk.defaults(),
                ConfigLoader.duration("k", cfg.mitigation().incidentWindow()), Optional.of(labels),
                cfg.scorer().maxTransferBytes());
        List<String> progress = new ArrayList<>();
        report = new Backtest(in, progress::add).run(labels.from(), labels.to(),
                List.of(new Backtest.Profiles("current", "built-in defaults", ProfileLoader.defaults())));
        assertThat(progress).anyMatch(l -> l.contains("100%"));
    }

    @Test
    void everyScenarioIsCaughtExactlyAsTheLiveReplayCaughtIt() {
        ScenarioScorecard live = demo.result().scorecard();
        BacktestReport.ProfileOutcome bt = report.profile("current");
        assertThat(bt.cases()).hasSize(live.rows().size()).isNotEmpty();
        for (ScenarioScorecard.Row row : live.rows()) {
            BacktestReport.CaseResult c = bt.find(row.scenario().name()).orElseThrow();
            String name = row.scenario().name();
            assertThat(c.caught()).as(name + " caught").isEqualTo(row.detected()).isTrue();
            assertThat(c.source()).isEqualTo("scenario");
            assertThat(c.bands()).as(name + " bands").isEqualTo(row.bands());
            assertThat(c.secondsToMitigate()).as(name + " time to mitigate").isEqualTo(row.secondsToMitigation());
            assertThat(c.mitigations()).as(name + " mitigations").isEqualTo(row.all().size());
            ObservedMitigation top = row.highest().orElseThrow();
            assertThat(c.maxRisk()).as(name + " risk").isCloseTo(top.risk(), within(1e-9));
            assertThat(c.topProfile()).as(name + " profile").isEqualTo(top.profile());
            assertThat(c.emergency()).isEqualTo("emergency".equals(top.path()));
        }
        assertThat(bt.caught()).isEqualTo(live.rows().size());
    }

    @Test
    void falseMitigationsMatchTheLiveReplayEntityByEntity() {
        BacktestReport.ProfileOutcome bt = report.profile("current");
        List<String> live = demo.result().scorecard().falseMitigations().stream()
                .map(m -> m.entity() + "@" + m.eventTime() + "/" + m.band()).sorted().toList();
        List<String> replayed = bt.falseMitigations().stream()
                .map(m -> m.entity() + "@" + m.eventTime() + "/" + m.band()).sorted().toList();
        assertThat(replayed).isEqualTo(live);
        assertThat(bt.falseCount()).isEqualTo(live.size());
        assertThat(bt.unreviewedCount()).as("labels cover the whole live day").isZero();
        assertThat(bt.mitigations()).isEqualTo(demo.result().mitigations().size());
    }

    @Test
    void severalCandidatesInOnePassEachAgainstTheCurrentProfiles() {
        ProfileSet cur = ProfileLoader.defaults();
        ProfileSet loose = withLow(cur, cur.low() / 3);
        ProfileSet same = withLow(cur, cur.low());
        BacktestReport r = new Backtest(in, line -> { }).run(labels.from(), labels.to(), List.of(
                new Backtest.Profiles("loose", "test", loose), new Backtest.Profiles("same", "test", same),
                new Backtest.Profiles("current", "built-in defaults", cur)));
        assertThat(r.diffs()).extracting(BacktestReport.Diff::candidate).containsExactly("loose", "same");
        BacktestReport.Diff sameDiff = r.diffs().get(1);
        assertThat(sameDiff.caughtDelta()).isZero();
        assertThat(sameDiff.falseAdded() + sameDiff.falseRemoved()).isZero();
        assertThat(sameDiff.bandsChanged()).isEmpty();

        // a lower threshold may add false alarms, or open an incident early that later anomalies join:
        // what it does depends on the data, so check that the report accounts for it consistently
        BacktestReport.Diff looseDiff = r.diffs().get(0);
        BacktestReport.ProfileOutcome l = r.profile("loose");
        BacktestReport.ProfileOutcome c = r.profile("current");
        assertThat(looseDiff.falseAdded()).isEqualTo(looseDiff.falseAddedList().size());
        assertThat(looseDiff.falseDelta()).isEqualTo(l.falseCount() - c.falseCount())
                .isEqualTo(looseDiff.falseAdded() - looseDiff.falseRemoved());
        assertThat(looseDiff.caughtDelta()).isEqualTo(l.caught() - c.caught())
                .isEqualTo(looseDiff.newlyCaught().size() - looseDiff.newlyMissed().size());
        java.util.Set<String> attackers = new java.util.HashSet<>();
        labels.attacks().forEach(a -> a.entities().forEach(e -> attackers.add(e.toString())));
        for (BacktestReport.Flagged f : l.falseMitigations()) {
            assertThat(f.risk()).isGreaterThanOrEqualTo(loose.low());
            assertThat(attackers.contains(f.entity()) && labels.attacks().stream().anyMatch(a -> !f.eventTime()
                    .isBefore(a.firstMaliciousEvent()) && !f.eventTime().isAfter(a.end()
                    .plus(ScenarioScorecard.GRACE)))).as(f + " is outside every attack").isFalse();
        }
        assertThat(l.falseByEntity().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(l.falseCount());
    }

    @Test
    void storedEventsTheScorerWouldRefuseAreLeftOutAndCounted() {
        List<ActivityEvent> stored = new EventTableReader(new KernelTableReader(), in.catalog())
                .read(labels.from(), labels.to());
        long largest = stored.stream().mapToLong(e -> Math.max(e.bytesIn(), e.bytesOut())).max().orElseThrow();
        long limit = largest - 1;
        long refused = stored.stream().filter(e -> e.bytesIn() > limit || e.bytesOut() > limit).count();
        assertThat(refused).isPositive();
        Backtest.Inputs tight = new Backtest.Inputs(in.catalog(), in.registry(), in.detector(), in.baselines(),
                in.intel(), in.resourceRisk(), in.incidentWindow(), in.labels(), limit);
        List<String> progress = new ArrayList<>();
        BacktestReport r = new Backtest(tight, progress::add).run(labels.from(), labels.to(),
                List.of(new Backtest.Profiles("current", "built-in defaults", ProfileLoader.defaults())));

        assertThat(r.events()).isEqualTo(report.events() - refused).isEqualTo(stored.size() - refused);
        assertThat(progress).anyMatch(l -> l.startsWith("left out " + refused + " stored event(s) reporting more "
                + "than " + limit + " bytes"));
        assertThat(report.events()).as("the default limit leaves every stored event in").isEqualTo(stored.size());
    }

    private static ProfileSet withLow(ProfileSet p, double low) {
        return new ProfileSet(p.version() + 1, "test", low, p.medium(), p.high(), p.profiles());
    }

    @Test
    void aTightenedLowThresholdDropsTheLowBandAndTheDiffSaysSo() throws Exception {
        Path dir = DemoFixture.ROOT.resolve("backtest-it");
        Files.createDirectories(dir);
        String defaults;
        try (InputStream in = ProfileLoader.class.getResourceAsStream(ProfileLoader.DEFAULT_RESOURCE)) {
            defaults = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        double medium = ProfileLoader.defaults().medium();
        double tightLow = medium - 0.01;
        Path tight = dir.resolve("tight.yaml");
        Files.writeString(tight, defaults.replaceFirst("(?m)^  low: .*$", "  low: " + tightLow));
        Path json = dir.resolve("tight.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("backtest",
                "--profiles", tight.toString(), "--data", demo.dataDir().toString(),
                "--from", labels.from().toString(), "--to", labels.to().toString(), "--out", json.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("== tight: " + tight, "== current: mitigation store, profiles v1 by shadow-defaults",
                "== tight against current", "newly missed:", "false mitigations added:");
        assertThat(err.toString()).contains("100%");

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        JsonNode cand = r.path("profiles").get(0);
        JsonNode cur = r.path("profiles").get(1);
        assertThat(cand.path("low").asDouble()).isEqualTo(tightLow);
        assertThat(cur.path("caught").asInt()).as("the current profiles, from the CLI, as in the library run")
                .isEqualTo(report.profile("current").caught());
        for (JsonNode c : cand.path("cases")) {
            assertThat(c.path("bands").asText()).as(c.path("name").asText() + " bands").doesNotContain("low");
        }
        for (JsonNode f : cand.path("false_mitigations")) {
            assertThat(f.path("risk").asDouble()).isGreaterThanOrEqualTo(tightLow);
        }
        JsonNode diff = r.path("diffs").get(0);
        assertThat(diff.path("newly_caught")).as("a higher threshold catches nothing new").isEmpty();
        assertThat(diff.path("caught_delta").asInt())
                .isEqualTo(cand.path("caught").asInt() - cur.path("caught").asInt())
                .isEqualTo(-diff.path("newly_missed").size());
        assertThat(diff.path("false_delta").asInt())
                .isEqualTo(diff.path("false_added").asInt() - diff.path("false_removed").asInt())
                .isEqualTo(cand.path("false_count").asInt() - cur.path("false_count").asInt());
        List<String> lowOnlyBefore = new ArrayList<>();
        cur.path("cases").forEach(c -> {
            if (c.path("caught").asBoolean() && c.path("bands").asText().matches("low(>low)*")) {
                lowOnlyBefore.add(c.path("name").asText());
            }
        });
        List<String> missed = new ArrayList<>();
        diff.path("newly_missed").forEach(n -> missed.add(n.asText()));
        assertThat(missed).as("cases only the low band caught are the ones lost").containsAll(lowOnlyBefore);
        List<String> changed = new ArrayList<>(missed);
        diff.path("bands_changed").forEach(n -> changed.add(n.asText().substring(0, n.asText().indexOf(':'))));
        cur.path("cases").forEach(c -> {
            if (c.path("bands").asText().contains("low")) {
                assertThat(changed).as(c.path("name").asText() + " lost its low band").contains(c.path("name").asText());
            }
        });
    }
}
