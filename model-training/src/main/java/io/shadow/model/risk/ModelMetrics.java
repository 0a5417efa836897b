package io.shadow.model.risk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hold-out metrics of a risk model: average precision (PR-AUC) and precision/recall at the
 * operating threshold. NaN where the hold-out has no positive (or no prediction above the threshold).
 */
public record ModelMetrics(int trainRows, int holdoutRows, int holdoutPositives, double prAuc, double precision,
        double recall, double threshold) {

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
