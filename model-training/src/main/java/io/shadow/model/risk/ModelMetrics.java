package io.shadow.model.risk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hold-out metrics of a risk model: average precision (PR-AUC) and precision/recall at the
 * operating threshold. NaN where the hold-out has no positive (or no prediction above the threshold).
 */
public record ModelMetrics(int trainRows, int holdoutRows, int holdoutPositives, double prAuc, double precision,
        double recall, double threshold) {
    /** Why a PR-AUC or recall is undefined. */
    public static final String NO_INCIDENT = "n/a (no incident in the hold-out)";
    /** Why a precision is undefined. */
    public static final String NO_POSITIVE = "n/a (no positive predictions)";

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_rows", (double) trainRows);
        m.put("holdout_rows", (double) holdoutRows);
        m.put("holdout_positives", (double) holdoutPositives);
        m.put("pr_auc", prAuc);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("threshold", threshold);
        return m;
    }

    /**
     * The figures as people read them: {@code PR-AUC 0.912, precision 0.750, recall 0.600}; one the
     * hold-out cannot give says why instead of {@code NaN}.
     */
    public String summary() {
        return summary(prAuc, precision, recall);
    }

    /** As {@link #summary()}, with the hold-out's size first, from metrics as {@link #asMap()} gives them. */
    public static String describe(Map<String, Double> metrics) {
        Double rows = metrics.get("holdout_rows");
        Double positives = metrics.get("holdout_positives");
        String holdout = rows == null || positives == null ? "" : String.format(Locale.ROOT,
                "hold-out %d rows, %s: ", rows.longValue(), positives(positives.longValue(), rows.longValue()));
        return holdout + summary(metrics.getOrDefault("pr_auc", Double.NaN),
                metrics.getOrDefault("precision", Double.NaN), metrics.getOrDefault("recall", Double.NaN));
    }

    /**
     * {@code 6 in incidents (no-skill PR-AUC 0.055)}: how many hold-out rows are positives, and the PR-AUC a
     * model ranking at random would get, against which a PR-AUC is read.
     */
    public static String positives(long positives, long rows) {
        return positives + " in incidents" + (rows == 0 || positives == 0 ? ""
                : String.format(Locale.ROOT, " (no-skill PR-AUC %.3f)", positives / (double) rows));
    }

    private static String summary(double prAuc, double precision, double recall) {
        return "PR-AUC " + figure(prAuc, 3, NO_INCIDENT) + ", precision " + figure(precision, 3, NO_POSITIVE)
                + ", recall " + figure(recall, 3, NO_INCIDENT);
    }

    /** {@code value} with {@code decimals} digits, or {@code undefined} for NaN. */
    public static String figure(double value, int decimals, String undefined) {
        return Double.isNaN(value) ? undefined : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Evaluates probabilities against labels. */
    public static ModelMetrics evaluate(int trainRows, List<TrainingExample> holdout, double[] p, double threshold) {
        int n = holdout.size();
        Integer[] order = new Integer[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            positives += holdout.get(i).incident() ? 1 : 0;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double ap = 0;
        int tp = 0;
        for (int k = 0; k < n; k++) {
            if (holdout.get(order[k]).incident()) {
                tp++;
                ap += tp / (double) (k + 1);
            }
        }
        int predicted = 0;
        int hit = 0;
        for (int i = 0; i < n; i++) {
            if (p[i] >= threshold) {
                predicted++;
                hit += holdout.get(i).incident() ? 1 : 0;
            }
        }
        return new ModelMetrics(trainRows, n, positives, positives == 0 ? Double.NaN : ap / positives,
                predicted == 0 ? Double.NaN : hit / (double) predicted,
                positives == 0 ? Double.NaN : hit / (double) positives, threshold);
    }
}
