package io.shadow.model.nab;

import java.util.Arrays;
import java.util.List;

/**
 * The threshold that maximises the corpus's raw score for a profile, found exactly: every distinct
 * anomaly score is tried as the threshold, walking rows from the highest score down and updating
 * the total incrementally (a newly detected row either opens a window, moves a window's first
 * detection earlier, or adds a false positive). NAB's own optimiser hill-climbs from 0.5 and may
 * stop at a local optimum; this finds the global one, so it scores a detector at least as well.
 */
public final class ThresholdSweep {
    private ThresholdSweep() {
    }

    /**
     * @param threshold the best threshold (a score value; {@code +∞} when detecting nothing is best)
     * @param raw the corpus's raw score there
     */
    public record Best(double threshold, double raw) {
    }

    public static Best optimise(List<ScoredFile> files, CostProfile p) {
        int rows = 0;
        int windows = 0;
        for (ScoredFile f : files) {
            rows += Math.max(0, f.size() - f.probation());
            windows += f.scorableWindowCount();
        }
        // rows packed as (file, row) pairs sorted by score, highest first
        long[] order = new long[rows];
        double[] key = new double[rows];
        int k = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            ScoredFile f = files.get(fi);
            for (int i = f.probation(); i < f.size(); i++) {
                order[k++] = ((long) fi << 32) | i;
            }
        }
        Long[] boxed = new Long[rows];
        for (int j = 0; j < rows; j++) {
            boxed[j] = order[j];
        }
        Arrays.sort(boxed, (a, b) -> Double.compare(scoreOf(files, b), scoreOf(files, a)));
        for (int j = 0; j < rows; j++) {
            order[j] = boxed[j];
            key[j] = scoreOf(files, order[j]);
        }
        int[][] firstDetected = new int[files.size()][];
        for (int fi = 0; fi < files.size(); fi++) {
            firstDetected[fi] = new int[files.get(fi).windowCount()];
            Arrays.fill(firstDetected[fi], -1);
        }
        double total = -windows * p.fnWeight();
        Best best = new Best(Double.POSITIVE_INFINITY, total);
        for (int j = 0; j < rows; j++) {
            int fi = (int) (order[j] >>> 32);
            int i = (int) order[j];
            ScoredFile f = files.get(fi);
            int w = f.windowOf(i);
            if (w < 0) {
                total += NabScorer.falsePositive(f, i, p);
            } else if (firstDetected[fi][w] < 0) {
                total += p.fnWeight() + NabScorer.truePositive(f, w, i, p);
                firstDetected[fi][w] = i;
            } else if (i < firstDetected[fi][w]) {
                total += NabScorer.truePositive(f, w, i, p) - NabScorer.truePositive(f, w, firstDetected[fi][w], p);
                firstDetected[fi][w] = i;
            }
            boolean lastOfLevel = j + 1 == rows || key[j + 1] != key[j];
            if (lastOfLevel && total > best.raw() + 1e-9) {
                best = new Best(key[j], total);
            }
        }
        return best;
    }

    private static double scoreOf(List<ScoredFile> files, long packed) {
        return files.get((int) (packed >>> 32)).score((int) packed);
    }
}
