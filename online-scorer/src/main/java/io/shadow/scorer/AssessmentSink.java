package io.shadow.scorer;

import io.shadow.features.signal.Assessment;

/** Where the scorer hands assessments: the mitigation engine in-process, or its HTTP API. */
@FunctionalInterface
public interface AssessmentSink {
    /** Returns what the mitigation side did, for the scorer's response (e.g. "mitigated high"). */
    String accept(Assessment assessment);
}
