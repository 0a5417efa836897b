package io.shadow.mitigation.engine;

import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import io.shadow.mitigation.Band;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No emergency on a newcomer's population figures alone. An entity Shadow has no baseline of its own for yet (its
 * anomaly carries {@link Evidence#COLD_START}: a host in its first minutes, a principal new since the last nightly)
 * is judged against its population's, and a deviation from a population by an entity never seen says less about it
 * than one from its own: a new build server's first compile pegs its CPU. The emergency path acts with no one in
 * the loop, so such an anomaly is contained at medium instead (reversible, time-limited, decided by a person),
 * unless a threat-intelligence match corroborates it. Another spelling of a known name is no newcomer (the
 * detector gives it no cold-start evidence).
 *
 * <p>What it does not cover: once the next nightly gives the entity a baseline of its own, its next anomaly is
 * judged against that (from which activity of an unreviewed medium incident is left out) and may take the
 * emergency path, also by escalating the incident still open from its first day; a reviewer's reject of that
 * first mitigation teaches the baseline instead.
 */
final class ColdStart {
    private static final Logger LOG = LoggerFactory.getLogger(ColdStart.class);

    private ColdStart() {
    }

    /** {@code band}, or medium instead of high for an uncorroborated anomaly of an entity without its own baseline. */
    static Band band(Anomaly a, Band band) {
        if (band != Band.HIGH || a.evidence().stream().noneMatch(e -> Evidence.COLD_START.equals(e.kind()))
                || a.evidence().stream().anyMatch(e -> Evidence.THREAT_INTEL.equals(e.kind()))) {
            return band;
        }
        LOG.info("{} has no baseline of its own yet: held at medium instead of the emergency band (no threat "
                + "intelligence corroborates anomaly {})", a.entity(), a.anomalyId());
        return Band.MEDIUM;
    }
}
