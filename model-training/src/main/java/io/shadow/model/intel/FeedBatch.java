package io.shadow.model.intel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one read of a feed produced: its indicators, the versions of the feed objects seen (so that a
 * newer version, even a revoked one without a usable pattern, supersedes older rows), and what had
 * to be skipped, each with the reason.
 */
public record FeedBatch(String source, List<Indicator> indicators, Map<String, Instant> versions,
        List<String> skipped) {

    public FeedBatch {
        indicators = List.copyOf(indicators);
        versions = Map.copyOf(versions);
        skipped = List.copyOf(skipped);
    }

    /** Collects a batch. */
    public static final class Builder {
        private final String source;
        private final List<Indicator> indicators = new ArrayList<>();
        private final Map<String, Instant> versions = new LinkedHashMap<>();
        private final List<String> skipped = new ArrayList<>();

        public Builder(String source) {
            this.source = source;
        }

        public String source() {
            return source;
        }

        public Builder add(Indicator i) {
            indicators.add(i);
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
            return new FeedBatch(source, indicators, versions, skipped);
        }
    }
}
