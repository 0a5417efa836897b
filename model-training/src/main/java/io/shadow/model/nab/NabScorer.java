package io.shadow.model.nab;

import java.util.ArrayList;
import java.util.List;

/**
 * NAB's scoring rules, as its reference implementation applies them ({@code nab/sweeper.py}, which
 * the runner's optimise and score steps use). Inside a window only the first non-probationary
 * detection counts and earns {@code tpWeight · σ(−(end − i + 1) / length) / σ(−1)} (exactly tpWeight
 * at the window's first row); a window without one costs {@code −fnWeight}, and a window with no row
 * after the probationary period is not scored at all; every detection outside the windows costs
 * {@code fpWeight · σ((i − end) / (length − 1))} of the window before it, or {@code −fpWeight} when no
 * window precedes it; σ(y) = 2 / (1 + e^(5y)) − 1, and −1 from 3 window lengths on.
 */
public final class NabScorer {
    /** NAB: the first 15 % of a file is probationary, at most 15 % of 5000 rows. */
    static final double PROBATIONARY_FRACTION = 0.15;
    private static final double MAX_TP = scaledSigmoid(-1.0);

    private NabScorer() {
    }

    /** NAB's {@code getProbationPeriod}: {@code min(floor(0.15 · rows), 0.15 · 5000)}. */
    public static int probationaryLength(int rows) {
        return (int) Math.min(Math.floor(PROBATIONARY_FRACTION * rows), PROBATIONARY_FRACTION * 5000);
    }

    /** NAB's scaled sigmoid of a position relative to a window's end, in window lengths. */
    public static double scaledSigmoid(double position) {
        if (position >= 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * position)) - 1.0;
    }

    /** What the first detection at row i of window w earns. */
    static double truePositive(ScoredFile f, int w, int i, CostProfile p) {
        double position = -(f.windowEnd(w) - i + 1) / (double) f.windowLength(w);
        return scaledSigmoid(position) * p.tpWeight() / MAX_TP;
    }

    /** What a detection at row i outside every window costs (a negative number). */
    static double falsePositive(ScoredFile f, int i, CostProfile p) {
        int w = f.preceding(i);
        if (w < 0) {
            return -p.fpWeight();
        }
        int length = f.windowLength(w);
        // NAB's older scorer used 2.0 for one-row windows; the newer one divides by zero there
        double position = length <= 1 ? 2.0 : Math.abs(f.windowEnd(w) - i) / (double) (length - 1);
        return scaledSigmoid(position) * p.fpWeight();
    }

    /** A file's score at one threshold; detections are rows whose score is at or above it. */
    public static FileScore score(ScoredFile f, double threshold, CostProfile p) {
        double total = 0;
        int detected = 0;
        int missed = 0;
        int falsePositives = 0;
        for (int w = 0; w < f.windowCount(); w++) {
            if (!f.scorable(w)) {
                continue;
            }
            int first = -1;
            for (int i = Math.max(f.windowStart(w), f.probation()); f.windowStart(w) >= 0 && i <= f.windowEnd(w); i++) {
                if (f.windowOf(i) == w && f.score(i) >= threshold) {
                    first = i;
                    break;
                }
            }
            if (first < 0) {
                total -= p.fnWeight();
                missed++;
            } else {
                total += truePositive(f, w, first, p);
                detected++;
            }
        }
        for (int i = f.probation(); i < f.size(); i++) {
            if (f.windowOf(i) < 0 && f.score(i) >= threshold) {
                total += falsePositive(f, i, p);
                falsePositives++;
            }
        }
        return new FileScore(f.key(), total, detected, missed, falsePositives);
    }

    /** Sum of the files' scores at one threshold. */
    public static List<FileScore> scoreAll(List<ScoredFile> files, double threshold, CostProfile p) {
        List<FileScore> out = new ArrayList<>(files.size());
        for (ScoredFile f : files) {
            out.add(score(f, threshold, p));
        }
        return out;
    }

    /**
     * NAB's normalisation ({@code nab/runner.py}): 100 for detecting every window at its first row, 0
     * for what NAB's null detector scores, which is missing every scorable window.
     *
     * @param windows every window of the corpus (NAB's "perfect" counts them all)
     * @param scorableWindows the windows with a row after the probationary period
     */
    public static double normalised(double raw, int windows, int scorableWindows, CostProfile p) {
        double perfect = windows * p.tpWeight();
        double none = -scorableWindows * p.fnWeight();
        return perfect == none ? 0 : 100 * (raw - none) / (perfect - none);
    }

    /** One file's score and counts: windows detected and missed, false-positive rows. */
    public record FileScore(String key, double score, int detectedWindows, int missedWindows, int falsePositives) {
    }
}
