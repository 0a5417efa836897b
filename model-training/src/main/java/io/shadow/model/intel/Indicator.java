package io.shadow.model.intel;

import java.time.Instant;
import java.util.Objects;

/**
 * One matchable value from a feed, as stored in the {@code threat_indicators} table.
 *
 * @param id stable key of the row: the same value from the same feed object always gets the same id,
 *     so a re-sync updates instead of duplicating
 * @param objectId the feed object it came from (a STIX indicator id, or {@code id} for list entries);
 *     a newer {@code modified} version of the object supersedes every older row of it
 * @param value normalised value (lower-case domains and hashes, canonical CIDR)
 * @param confidence 0-1
 * @param validFrom not before (inclusive); null: always
 * @param validUntil not from (exclusive, as STIX {@code valid_until}); null: open-ended
 * @param modified version of the feed object; null for feeds without versions
 */
public record Indicator(String id, String objectId, IndicatorType type, String value, String source,
        double confidence, Instant validFrom, Instant validUntil, boolean revoked, Instant modified) {

    public Indicator {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence " + confidence + " of indicator " + id
                    + " is outside 0-1");
        }
    }

    /** A list entry: no window, no versions, its id derived from source, type and value. */
    public static Indicator listed(IndicatorType type, String value, String source, double confidence) {
        String id = source + ":" + type.wireName() + ":" + value;
        return new Indicator(id, id, type, value, source, confidence, null, null, false, null);
    }

    /** Whether it applies at {@code t}: inside its window and not revoked. */
    public boolean activeAt(Instant t) {
        return !revoked && (validFrom == null || !t.isBefore(validFrom)) && (validUntil == null || t.isBefore(validUntil));
    }

    public ThreatMatch toMatch() {
        return new ThreatMatch(value, type.wireName(), source, confidence);
    }
}
