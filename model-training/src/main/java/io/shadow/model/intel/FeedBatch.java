package io.shadow.model.intel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one read of a feed produced: its indicators, the versions of the feed objects seen (so that a
 * newer version, even a revoked one without a usable pattern, supersedes older rows), what had
 * to be skipped as unusable, each with the reason, and the network indicators refused as out of
 * {@link NetworkScope} (too broad, or private/reserved space), each with where it was and why.
 */
public record FeedBatch(String source, List<Indicator> indicators, Map<String, Instant> versions,
        List<String> skipped, List<Refused> refused) {

    public FeedBatch {
        indicators = List.copyOf(indicators);
        versions = Map.copyOf(versions);
        skipped = List.copyOf(skipped);
        refused = List.copyOf(refused);
    }

    /**
     * A network indicator not loaded: {@code where} in the feed ({@code line 3}, a STIX id), its value,
     * and why ({@link NetworkScope.Refusal}).
     */
    public record Refused(String source, String where, String value, NetworkScope.Refusal refusal) {
        @Override
        public String toString() {
            return source + " " + where + " '" + value + "' (" + refusal.reason() + "): " + refusal.why();
        }
    }

    /** Collects a batch. */
    public static final class Builder {
        private final String source;
        private final List<Indicator> indicators = new ArrayList<>();
        private final Map<String, Instant> versions = new LinkedHashMap<>();
        private final List<String> skipped = new ArrayList<>();
        private final List<Refused> refused = new ArrayList<>();
        private final NetworkScope scope;

        /** Refusing network indicators out of {@link NetworkScope#DEFAULT}. */
        public Builder(String source) {
            this(source, NetworkScope.DEFAULT);
        }

        public Builder(String source, NetworkScope scope) {
            this.source = source;
            this.scope = java.util.Objects.requireNonNull(scope, "scope");
        }

        public String source() {
            return source;
        }

        /**
         * Adds {@code i}, unless it is a network indicator out of scope: that is refused, naming {@code where}.
         * A revoked one is added either way (it only withdraws, it never matches).
         */
        public Builder add(Indicator i, String where) {
            java.util.Optional<NetworkScope.Refusal> r = i.revoked() ? java.util.Optional.empty() : scope.refusal(i);
            if (r.isPresent()) {
                refused.add(new Refused(source, where, i.value(), r.get()));
            } else {
                indicators.add(i);
            }
            return this;
        }

        public Builder version(String objectId, Instant modified) {
            if (modified != null) {
                versions.merge(objectId, modified, (a, b) -> a.isAfter(b) ? a : b);
            }
            return this;
        }

        public Builder skip(String reason) {
            skipped.add(reason);
            return this;
        }

        public FeedBatch build() {
            return new FeedBatch(source, indicators, versions, skipped, refused);
        }
    }
}
