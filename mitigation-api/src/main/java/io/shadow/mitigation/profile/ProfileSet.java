package io.shadow.mitigation.profile;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Band;
import java.util.List;

/**
 * A versioned set of mitigation profiles with the risk thresholds that define the bands:
 * below {@code low} nothing is done, {@code [low, medium)} is the low band, {@code [medium, high)}
 * medium, and at or above {@code high} the emergency path.
 */
public record ProfileSet(int version, String author, double low, double medium, double high,
        List<MitigationProfile> profiles) {

    public ProfileSet {
        profiles = List.copyOf(profiles);
    }

    public Band band(double risk) {
        if (risk >= high) {
            return Band.HIGH;
        }
        if (risk >= medium) {
            return Band.MEDIUM;
        }
        return risk >= low ? Band.LOW : Band.NONE;
    }

    /** The first profile for every anomaly of the band and resource type (each pair is covered, checked at load). */
    public MitigationProfile select(Band band, ResourceType type) {
        return select(band, type, null);
    }

    /**
     * The first profile, in file order, for an anomaly of the band, resource type and pattern
     * ({@code failures@identity}): one naming the pattern's evidence, or one for every anomaly.
     */
    public MitigationProfile select(Band band, ResourceType type, String pattern) {
        for (MitigationProfile p : profiles) {
            if (pattern == null ? p.matches(band, type) : p.matches(band, type, pattern)) {
                return p;
            }
        }
        throw new IllegalStateException("no profile for band " + band + " and " + type + " in profile set v" + version);
    }
}
