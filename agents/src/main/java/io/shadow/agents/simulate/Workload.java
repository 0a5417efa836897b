package io.shadow.agents.simulate;

import io.shadow.features.ActivityEvent;
import java.util.List;

/**
 * A generated workload: the history phase (routine behaviour plus reviewed past episodes), the live
 * phase (routine behaviour plus the injected attacks and benign-but-unusual episodes), the ground
 * truth of both, and the threat feed the simulated world's attackers appear in.
 *
 * @param counterfactuals for host samples an attack changed (a miner's CPU load), by event id: the
 *     sample as it would have been had the attack been stopped; {@link EnforcedReplay} uses them once
 *     the host's agent has suspended the offending process
 */
public record Workload(
        WorkloadConfig config,
        List<ActivityEvent> history,
        List<ActivityEvent> live,
        List<AttackScenario> attacks,
        List<BenignEpisode> benign,
        List<PastIncident> pastIncidents,
        List<String> threatFeed,
        java.util.Map<String, ActivityEvent> counterfactuals) {
}
