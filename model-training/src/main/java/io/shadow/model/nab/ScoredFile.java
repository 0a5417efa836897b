package io.shadow.model.nab;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * One results file prepared for NAB scoring: its anomaly scores, which rows are probationary, and
 * its windows as row ranges, with, for every row outside a window, the window before it.
 */
public final class ScoredFile {
    private final String key;
    private final double[] scores;
    private final int probation;
    private final int[] windowStart;
    private final int[] windowEnd;
    private final int[] windowLength;
    private final int[] windowOf;
    private final int[] preceding;

    public ScoredFile(String key, List<LocalDateTime> times, double[] scores, List<NabWindows.Window> windows) {
        if (times.size() != scores.length) {
            throw new IllegalArgumentException(key + ": " + times.size() + " timestamps but " + scores.length
                    + " scores");
        }
        this.key = key;
        this.scores = scores;
        int n = scores.length;
        this.probation = NabScorer.probationaryLength(n);
        this.windowStart = new int[windows.size()];
        this.windowEnd = new int[windows.size()];
        this.windowOf = new int[n];
        this.preceding = new int[n];
        Arrays.fill(windowOf, -1);
        this.windowLength = new int[windows.size()];
        Arrays.fill(windowStart, -1);
        Arrays.fill(windowEnd, -1);
        // like NAB's scorer, a window is the set of rows whose timestamp lies in it, found row by row
        // (real series may step back in time, so rows are not assumed sorted)
        for (int i = 0; i < n; i++) {
            for (int w = 0; w < windows.size(); w++) {
                if (windows.get(w).contains(times.get(i))) {
                    if (windowOf[i] >= 0) {
                        throw new NabException(key + ": windows " + windows.get(windowOf[i]) + " and "
                                + windows.get(w) + " overlap; merge them in the windows file");
                    }
                    windowOf[i] = w;
                    windowStart[w] = windowStart[w] < 0 ? i : windowStart[w];
                    windowEnd[w] = i;
                    windowLength[w]++;
                }
            }
        }
        int last = -1;
        for (int i = 0; i < n; i++) {
            // the closest window that ended before row i (NAB's "preceding window" of a false positive)
            for (int w = 0; w < windowEnd.length; w++) {
                if (windowEnd[w] >= 0 && windowEnd[w] < i && (last < 0 || windowEnd[w] > windowEnd[last])) {
                    last = w;
                }
            }
            preceding[i] = last;
        }
    }

    public String key() {
        return key;
    }

    public int size() {
        return scores.length;
    }

    double score(int i) {
        return scores[i];
    }

    public int probation() {
        return probation;
    }

    public int windowCount() {
        return windowStart.length;
    }

    int windowStart(int w) {
        return windowStart[w];
    }

    /** Last row of window w, or -1 when no row falls in it. */
    int windowEnd(int w) {
        return windowEnd[w];
    }

    /** Rows in window w. */
    int windowLength(int w) {
        return windowLength[w];
    }

    /** The window row i lies in, or -1. */
    int windowOf(int i) {
        return windowOf[i];
    }

    /** The window that ended last before row i, or -1 when none did. */
    int preceding(int i) {
        return preceding[i];
    }
}
