package io.shadow.agents.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** What {@code GET /health} reports beyond the intake's spool: it adds its fields and returns the problems. */
@FunctionalInterface
public interface HealthReport {
    /**
     * Adds fields to the answer; returns what is wrong (empty when all is well): any problem makes the
     * answer 503 {@code "degraded"}.
     */
    List<String> report(ObjectNode answer);
}
