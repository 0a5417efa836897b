package io.shadow.model.nab;

import static io.shadow.model.nab.NabFixtures.times;
import static io.shadow.model.nab.NabFixtures.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ThresholdSweepTest {

    @Test
    void findsTheThresholdWithTheBestTotalOverAllFiles() {
        // file a: true positive at row 20 scored 0.6, false positive at row 10 scored 0.9
        double[] a = new double[40];
        a[20] = 0.6;
        a[10] = 0.9;
        // file b, no windows: false positive at row 15 scored 0.7
        double[] b = new double[40];
        b[15] = 0.7;
        List<ScoredFile> files = List.of(new ScoredFile("c/a.csv", times(40), a, List.of(window(20, 29))),
                new ScoredFile("c/b.csv", times(40), b, List.of()));
        // θ = 0.9: -1 (missed) - 0.11; θ = 0.7: -1 - 0.22; θ = 0.6: +1 - 0.22 = 0.78
        ThresholdSweep.Best best = ThresholdSweep.optimise(files, CostProfile.nabDefaults().get(0));
        assertThat(best.threshold()).isEqualTo(0.6);
        assertThat(best.raw()).isCloseTo(0.78, within(1e-12));
    }

    @Test
    void detectingNothingWinsWhenEveryThresholdCostsMore() {
        double[] a = new double[40];
        a[10] = 0.9;
        List<ScoredFile> files = List.of(new ScoredFile("c/a.csv", times(40), a, List.of()));
        ThresholdSweep.Best best = ThresholdSweep.optimise(files, CostProfile.nabDefaults().get(0));
        assertThat(best.threshold()).isInfinite();
        assertThat(best.raw()).isEqualTo(0.0);
    }

    @Test
    void agreesWithScoringEveryCandidateThresholdDirectly() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            List<ScoredFile> files = new ArrayList<>();
            TreeSet<Double> candidates = new TreeSet<>();
            for (int f = 0; f < 4; f++) {
                int n = 120 + r.nextInt(80);
                double[] s = new double[n];
                for (int i = 0; i < n; i++) {
                    // coarse scores so that ties between rows happen
                    s[i] = r.nextDouble() < 0.2 ? Math.round(r.nextDouble() * 20) / 20.0 : 0;
                    candidates.add(s[i]);
                }
                List<NabWindows.Window> w = f == 3 ? List.of() : List.of(window(40, 55), window(90, 99));
                files.add(new ScoredFile("c/f" + f + ".csv", times(n), s, w));
            }
            for (CostProfile p : CostProfile.nabDefaults()) {
                double brute = -files.stream().mapToInt(ScoredFile::windowCount).sum() * p.fnWeight();
                for (double t : candidates) {
                    brute = Math.max(brute, NabScorer.scoreAll(files, t, p).stream()
                            .mapToDouble(NabScorer.FileScore::score).sum());
                }
                ThresholdSweep.Best best = ThresholdSweep.optimise(files, p);
                assertThat(best.raw()).isCloseTo(brute, within(1e-9));
                double direct = Double.isInfinite(best.threshold()) ? best.raw()
                        : NabScorer.scoreAll(files, best.threshold(), p).stream()
                                .mapToDouble(NabScorer.FileScore::score).sum();
                assertThat(direct).isCloseTo(best.raw(), within(1e-9));
            }
        }
    }
}
