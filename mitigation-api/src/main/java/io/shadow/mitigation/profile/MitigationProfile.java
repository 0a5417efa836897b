package io.shadow.mitigation.profile;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Band;
import java.util.List;
import java.util.Set;

/**
 * What to do for anomalies of one band on some resource types: an ordered list of actions.
 * Profiles of the high band run on the emergency path (no user interaction before acting).
 *
 * @param evidence the anomaly kinds the profile is for, by the part of the anomaly's pattern before
 *     {@code @} ({@code failures}, {@code bytes_out}, …; {@code novel} for any first-seen value); empty
 *     for every kind. A profile with evidence answers some anomalies of its band and resource types,
 *     so it never counts towards covering them
 * @param dryRun record what would be done, change nothing
 */
public record MitigationProfile(String name, Band band, Set<ResourceType> resourceTypes, Set<String> evidence,
        boolean dryRun, List<ActionSpec> actions) {
    public MitigationProfile {
        resourceTypes = Set.copyOf(resourceTypes);
        evidence = Set.copyOf(evidence);
        actions = List.copyOf(actions);
    }

    /** A profile for every kind of anomaly of its band and resource types. */
    public MitigationProfile(String name, Band band, Set<ResourceType> resourceTypes, boolean dryRun,
            List<ActionSpec> actions) {
        this(name, band, resourceTypes, Set.of(), dryRun, actions);
    }

    /** Whether this profile answers every anomaly of the band on the resource type (no evidence filter). */
    public boolean matches(Band b, ResourceType t) {
        return evidence.isEmpty() && band == b && resourceTypes.contains(t);
    }

    /** Whether this profile answers an anomaly of the band, resource type and pattern ({@code failures@identity}). */
    public boolean matches(Band b, ResourceType t, String pattern) {
        if (band != b || !resourceTypes.contains(t)) {
            return false;
        }
        if (evidence.isEmpty()) {
            return true;
        }
        String kind = pattern == null ? "" : pattern.substring(0, Math.max(0, pattern.indexOf('@') < 0
                ? pattern.length() : pattern.indexOf('@')));
        return evidence.contains(kind) || (kind.startsWith("novel_") && evidence.contains("novel"));
    }
}
