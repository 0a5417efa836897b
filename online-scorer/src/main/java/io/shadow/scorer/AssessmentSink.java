package io.shadow.scorer;

import io.shadow.features.signal.Assessment;

/** Where the scorer hands assessments: the mitigation engine in-process, or its HTTP API. */
@FunctionalInterface
public interface AssessmentSink {
    /** Returns what the mitigation side did, for the scorer's response (e.g. "mitigated high"). */
    String accept(Assessment assessment);

    /** Assessments waiting to be handed over (the mitigation store unavailable); 0 for a sink that never waits. */
    default int held() {
        return 0;
    }

    /** Assessments given up because too many were waiting. */
    default long dropped() {
        return 0;
    }
}
