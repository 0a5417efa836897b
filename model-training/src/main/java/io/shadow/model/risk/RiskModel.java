package io.shadow.model.risk;

import io.shadow.features.signal.RiskScore;

/** Maps risk factors to a 0–100 score with each factor's contribution. */
public interface RiskModel extends AutoCloseable {

    RiskScore score(RiskFactors factors);

    /** {@code name:version} of the model, for scores, logs and metrics. */
    String id();

    @Override
    default void close() {
    }
}
