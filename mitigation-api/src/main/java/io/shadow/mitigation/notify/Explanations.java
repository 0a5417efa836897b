package io.shadow.mitigation.notify;

import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Evidence;
import io.shadow.features.signal.FactorContribution;
import io.shadow.features.signal.RiskScore;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.ActionRecord;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes the plain-language explanation a user reads: what happened, why, what was done, how to undo. */
public final class Explanations {
    private Explanations() {
    }

    /**
     * The notice's subject: what was done, the band, who and where. {@code contained} is false when nothing but a
     * log entry is in force (every other action skipped or failed, e.g. a rate limit for a host's anomaly, which
     * names no principal to limit): the subject then says it was logged, not mitigated.
     */
    public static String subject(Anomaly a, Band band, boolean emergency, boolean contained) {
        String who = a.principal() != null ? a.principal() : a.entity().id();
        String what = !contained ? (emergency ? "[Shadow] Emergency, nothing contained: " : "[Shadow] Logged, not "
                + "contained: ") : emergency ? "[Shadow] Emergency shutdown: " : "[Shadow] Mitigated: ";
        return what + band.wireName() + " risk from " + who + " on "
                + (a.resourceId() == null ? a.resourceType().wireName() : a.resourceId());
    }

    /**
     * @param notReversible why each applied action a reject would not reverse stays, by action type
     *     (empty when every action can be undone)
     */
    public static String body(Anomaly a, RiskScore risk, Band band, String profile, boolean emergency,
            List<ActionRecord> actions, Map<String, String> notReversible, String mitigationId) {
        StringBuilder sb = new StringBuilder();
        sb.append("Shadow detected unusual activity of ").append(a.entity()).append(" on ")
                .append(a.resourceType().wireName());
        if (a.resourceId() != null) {
            sb.append(' ').append(a.resourceId());
        }
        sb.append(" at ").append(a.time()).append(".\n\n");
        sb.append(String.format("Why: risk %.0f/100 (%s band), from %.0f for the mildest anomaly Shadow raises:",
                risk.score(), band.wireName(), risk.base()));
        for (FactorContribution c : risk.contributions()) {
            sb.append(String.format(" %s %+.0f (%.2f);", c.factor().replace('_', ' '), c.points(), c.value()));
        }
        sb.append(" model ").append(risk.model()).append(".\n");
        sb.append("Evidence:\n");
        for (Evidence e : a.evidence()) {
            sb.append(" - ").append(e.describe()).append('\n');
        }
        sb.append("\nWhat was done").append(emergency
                ? " (emergency path: applied at once, no approval asked)" : " (profile " + profile + ")").append(":\n");
        for (ActionRecord r : actions) {
            sb.append(" - ").append(r.type()).append(": ").append(r.detail());
            if (r.expiresAt() != null) {
                sb.append(" (until ").append(r.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                        .append(')');
            }
            sb.append(" [").append(r.status()).append("]\n");
        }
        sb.append("\nHow to undo: reject mitigation ").append(mitigationId)
                .append(" (POST /v1/mitigations/").append(mitigationId).append("/reject) to reverse every action");
        if (!notReversible.isEmpty()) {
            boolean one = notReversible.size() == 1;
            sb.append(" except ").append(String.join(" and ", notReversible.keySet()))
                    .append(", which cannot be undone (")
                    .append(notReversible.entrySet().stream().map(e -> one ? e.getValue() : e.getKey() + ": "
                            + e.getValue()).collect(Collectors.joining("; ")))
                    .append(one ? "; a reject records it as kept)" : "; a reject records them as kept)");
        }
        sb.append(", approve it to confirm the incident, or modify it to replace the actions.\n");
        if (emergency && a.principal() != null) {
            sb.append("As an emergency mitigation of ").append(a.principal()).append("'s activity, it is rejected or "
                    + "modified by someone else (an operator or the security team): ").append(a.principal())
                    .append(" may approve it but not lift it. If this was you, ask them.\n");
        }
        return sb.toString();
    }
}
