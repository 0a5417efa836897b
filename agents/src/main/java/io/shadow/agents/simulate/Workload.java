package io.shadow.agents.simulate;

import io.shadow.features.ActivityEvent;
import java.util.List;

/**
 * A generated workload: the history phase (routine behaviour plus reviewed past episodes), the live
 * phase (routine behaviour plus the injected attacks and benign-but-unusual episodes), the ground
 * truth of both, and the threat feed the simulated world's attackers appear in.
 */
public record Workload(
        WorkloadConfig config,
        List<ActivityEvent> history,
        List<ActivityEvent> live,
        List<AttackScenario> attacks,
        List<BenignEpisode> benign,
        List<PastIncident> pastIncidents,
        List<String> threatFeed) {
}
