package io.shadow.model.risk;

import java.time.Instant;

/** One labelled anomaly: its factors, when it happened (for the time split) and whether it was an incident. */
public record TrainingExample(Instant time, RiskFactors factors, boolean incident) {
    /**
     * A total order (time, then every field): training on the same rows in the same order gives
     * the same model, however Spark happened to return them.
     */
    public static final java.util.Comparator<TrainingExample> ORDER = java.util.Comparator
            .comparing(TrainingExample::time)
            .thenComparingDouble(e -> e.factors().severity())
            .thenComparingDouble(e -> e.factors().resourceRisk())
            .thenComparingDouble(e -> e.factors().priorIncidents())
            .thenComparingDouble(e -> e.factors().threatIntel())
            .thenComparing(TrainingExample::incident);

    /** The examples' factor rows, as a model scores them in one batch. */
    public static double[][] factorRows(java.util.List<TrainingExample> examples) {
        return examples.stream().map(e -> e.factors().toArray()).toArray(double[][]::new);
    }
}
