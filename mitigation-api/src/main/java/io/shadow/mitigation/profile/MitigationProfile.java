package io.shadow.mitigation.profile;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Band;
import java.util.List;
import java.util.Set;

/**
 * What to do for anomalies of one band on some resource types: an ordered list of actions.
 * Profiles of the high band run on the emergency path (no user interaction before acting).
 *
 * @param dryRun record what would be done, change nothing
 */
public record MitigationProfile(String name, Band band, Set<ResourceType> resourceTypes, boolean dryRun,
        List<ActionSpec> actions) {
    public MitigationProfile {
        resourceTypes = Set.copyOf(resourceTypes);
        actions = List.copyOf(actions);
    }

    public boolean matches(Band b, ResourceType t) {
        return band == b && resourceTypes.contains(t);
    }
}
