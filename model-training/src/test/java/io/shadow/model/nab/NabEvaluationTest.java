package io.shadow.model.nab;

import static io.shadow.model.nab.NabFixtures.windowsJson;
import static io.shadow.model.nab.NabFixtures.writeResults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabEvaluationTest {
    @TempDir
    Path dir;

    /** Two 40-row files: a has a window at rows 20..29, b has none. */
    private NabWindows corpus(double[] a, double[] b) throws IOException {
        writeResults(dir.resolve("results/det/cat/det_a.csv"), a);
        writeResults(dir.resolve("results/det/cat/det_b.csv"), b);
        Files.writeString(dir.resolve("windows.json"), windowsJson("cat/a.csv", new int[] {20, 29},
                "cat/b.csv", new int[] {}));
        Files.writeString(dir.resolve("profiles.json"), """
                {"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}},
                 "reward_low_FP_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.22}},
                 "reward_low_FN_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11}}}
                """);
        return NabWindows.read(dir.resolve("windows.json"));
    }

    @Test
    void scoresEveryProfileWithItsOwnThresholdAndNormalises() throws IOException {
        double[] a = new double[40];
        a[20] = 0.6;
        a[10] = 0.9;
        double[] b = new double[40];
        b[15] = 0.7;
        NabWindows windows = corpus(a, b);
        List<NabEvaluation.DetectorScore> scores = NabEvaluation.score(dir.resolve("results"), windows,
                CostProfile.read(dir.resolve("profiles.json")));

        assertThat(scores).hasSize(1);
        NabEvaluation.DetectorScore det = scores.get(0);
        assertThat(det.detector()).isEqualTo("det");
        assertThat(det.files()).isEqualTo(2);
        assertThat(det.windows()).isEqualTo(1);
        // standard: θ = 0.6 gives 1 - 0.11 - 0.11 = 0.78; null = -1, perfect = 1 -> 100 × 1.78 / 2
        NabEvaluation.ProfileScore standard = det.profiles().get(0);
        assertThat(standard.profile()).isEqualTo("standard");
        assertThat(standard.threshold()).isEqualTo(0.6);
        assertThat(standard.raw()).isCloseTo(0.78, within(1e-12));
        assertThat(standard.normalised()).isCloseTo(89.0, within(1e-9));
        assertThat(standard.falsePositives()).isEqualTo(2);
        // low FP: 1 - 0.44 = 0.56 -> 78; low FN: null = -2 -> 100 × (0.78 + 2) / 3
        assertThat(det.profiles().get(1).normalised()).isCloseTo(78.0, within(1e-9));
        assertThat(det.profiles().get(2).normalised()).isCloseTo(278.0 / 3, within(1e-9));
    }

    @Test
    void theEvenAndOddFilesAreAlsoScoredApartEachWithItsOwnThreshold() throws IOException {
        double[] a = new double[40];
        a[20] = 0.6;
        a[10] = 0.9;
        double[] b = new double[40];
        b[15] = 0.7;
        NabEvaluation.DetectorScore det = NabEvaluation.score(dir.resolve("results"), corpus(a, b),
                CostProfile.read(dir.resolve("profiles.json"))).get(0);

        // even = [a]: θ = 0.6 detects the window (+1) and row 10 (-0.11) -> 100 × 1.89 / 2
        NabEvaluation.HalfScore even = det.halves().get(0);
        assertThat(even.half()).isEqualTo("even");
        assertThat(even.profile()).isEqualTo("standard");
        assertThat(even.files()).isEqualTo(1);
        assertThat(even.windows()).isEqualTo(1);
        assertThat(even.threshold()).isEqualTo(0.6);
        assertThat(even.normalised()).isCloseTo(94.5, within(1e-9));
        // odd = [b]: no window, so detecting nothing is best; a half without windows normalises to 0
        NabEvaluation.HalfScore odd = det.halves().get(1);
        assertThat(odd.files()).isEqualTo(1);
        assertThat(odd.threshold()).isInfinite();
        assertThat(odd.normalised()).isZero();
        assertThat(NabReport.table(List.of(det), false, true))
                .contains("even files (1, 1 windows), own threshold 0.6000: standard 94.5")
                .contains("odd files (1, 0 windows), own threshold none: standard 0.0");
    }

    @Test
    void aResultsFileTheWindowsDoNotListIsAnError() throws IOException {
        NabWindows windows = corpus(new double[40], new double[40]);
        writeResults(dir.resolve("results/det/cat/det_extra.csv"), new double[40]);
        assertThatThrownBy(() -> NabEvaluation.score(dir.resolve("results"), windows, CostProfile.nabDefaults()))
                .isInstanceOf(NabException.class)
                .hasMessageContaining("detector det: results for [cat/extra.csv] have no entry in the windows file");
    }

    @Test
    void aFileTheWindowsListWithoutResultsIsAnError() throws IOException {
        NabWindows windows = corpus(new double[40], new double[40]);
        Files.delete(dir.resolve("results/det/cat/det_b.csv"));
        assertThatThrownBy(() -> NabEvaluation.score(dir.resolve("results"), windows, CostProfile.nabDefaults()))
                .isInstanceOf(NabException.class)
                .hasMessage("detector det: no results for [cat/b.csv] listed in the windows file; run bin/shadow nab"
                        + " on the whole data folder that windows file describes, or score only the files that were"
                        + " run with nab-score --only-run");
    }

    @Test
    void onlyTheFilesRunAreScoredWhenAskedAndTheReportSaysHowManyWereLeftOut() throws IOException {
        NabWindows windows = corpus(new double[40], new double[40]);
        List<NabEvaluation.DetectorScore> both = NabEvaluation.score(dir.resolve("results"), windows,
                CostProfile.nabDefaults());
        Files.delete(dir.resolve("results/det/cat/det_b.csv"));

        NabEvaluation.DetectorScore det = NabEvaluation.score(dir.resolve("results"), windows,
                CostProfile.nabDefaults(), true).get(0);

        assertThat(det.files()).isEqualTo(1);
        assertThat(det.leftOut()).isEqualTo(1);
        assertThat(det.windows()).isLessThanOrEqualTo(both.get(0).windows());
        assertThat(NabReport.table(List.of(det), false)).contains("det: 1 files",
                "only the files run: 1 more in the windows file left out");
        assertThat(NabReport.table(both, false)).doesNotContain("only the files run");
    }

    @Test
    void aMalformedResultsLineNamesFileAndLine() throws IOException {
        NabWindows windows = corpus(new double[40], new double[40]);
        Path bad = dir.resolve("results/det/cat/det_b.csv");
        Files.writeString(bad, "timestamp,value,anomaly_score,label\n2014-04-01 00:00:00,1,oops,0\n");
        assertThatThrownBy(() -> NabEvaluation.score(dir.resolve("results"), windows, CostProfile.nabDefaults()))
                .hasMessage("results file " + bad + " line 2: expected a timestamp and a numeric anomaly_score, found"
                        + " '2014-04-01 00:00:00,1,oops,0'");
    }

    @Test
    void aProfileWithoutWeightsIsAnError() throws IOException {
        Path p = dir.resolve("bad-profiles.json");
        Files.writeString(p, "{\"standard\": {\"CostMatrix\": {\"tpWeight\": 1.0, \"fnWeight\": 1.0}}}");
        assertThatThrownBy(() -> CostProfile.read(p))
                .hasMessage("profiles file " + p + ", profile standard: CostMatrix.fpWeight is missing or not a"
                        + " number");
    }
}
