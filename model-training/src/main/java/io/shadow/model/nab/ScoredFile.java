package io.shadow.model.nab;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * One results file prepared for NAB scoring: its anomaly scores, which rows are probationary, and
 * its windows as row ranges (as NAB's {@code nab/sweeper.py} finds them), with, for every row outside
 * a window, the window before it.
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
        int from = 0;
        for (int w = 0; w < windows.size(); w++) {
            NabWindows.Window window = windows.get(w);
            // NAB's sweeper: a window opens at the row stamped with its start and closes at the next row
            // stamped with its end, and every row between is in it whatever its own time (real series
            // step back an hour at daylight-saving changes)
            int first = indexOf(times, window.start(), from);
            int end = first < 0 ? -1 : indexOf(times, window.end(), first);
            if (end >= 0) {
                for (int i = first; i <= end; i++) {
                    assign(i, w, windows);
                }
                from = end + 1;
            } else {
                // ends that are not row timestamps (hand-made windows): the rows whose time lies in it
                for (int i = 0; i < n; i++) {
                    if (window.contains(times.get(i))) {
                        assign(i, w, windows);
                    }
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

    private void assign(int i, int w, List<NabWindows.Window> windows) {
        if (windowOf[i] >= 0) {
            throw new NabException(key + ": windows " + windows.get(windowOf[i]) + " and " + windows.get(w)
                    + " overlap; merge them in the windows file");
        }
        windowOf[i] = w;
        windowStart[w] = windowStart[w] < 0 ? i : Math.min(windowStart[w], i);
        windowEnd[w] = Math.max(windowEnd[w], i);
        windowLength[w]++;
    }

    private static int indexOf(List<LocalDateTime> times, LocalDateTime t, int from) {
        for (int i = from; i < times.size(); i++) {
            if (times.get(i).equals(t)) {
                return i;
            }
        }
        return -1;
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

    /**
     * Whether window w has a row after the probationary period: NAB scores only those (a window that
     * ends in probation, or has no row in the file, is neither detected nor missed).
     */
    boolean scorable(int w) {
        return windowEnd[w] >= probation;
    }

    /** Windows with a row after the probationary period. */
    public int scorableWindowCount() {
        int c = 0;
        for (int w = 0; w < windowEnd.length; w++) {
            c += scorable(w) ? 1 : 0;
        }
        return c;
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
