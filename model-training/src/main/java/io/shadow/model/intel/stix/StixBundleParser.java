package io.shadow.model.intel.stix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.model.intel.FeedBatch;
import io.shadow.model.intel.Indicator;
import io.shadow.model.intel.IndicatorType;
import io.shadow.model.intel.NetworkScope;
import io.shadow.model.intel.Observables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * STIX 2.1 {@code indicator} objects → {@link Indicator}s, one per value the pattern names. Reads
 * bundles ({@code "type": "bundle"}), TAXII envelopes ({@code "objects": [...]}) and bare arrays.
 * Other object types are ignored; indicators whose pattern cannot be reduced to values (see
 * {@link StixPattern}) or whose pattern type is not {@code stix} are skipped and reported, but
 * their version still counts, so a revoked version supersedes older rows either way.
 */
public final class StixBundleParser {
    /** Confidence of an indicator without {@code confidence} (STIX leaves it unspecified). */
    public static final double DEFAULT_CONFIDENCE = 0.5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, IndicatorType> PATHS = Map.ofEntries(
            Map.entry("ipv4-addr:value", IndicatorType.IPV4),
            Map.entry("ipv6-addr:value", IndicatorType.IPV6),
            Map.entry("domain-name:value", IndicatorType.DOMAIN),
            Map.entry("url:value", IndicatorType.URL),
            Map.entry("file:hashes.sha-256", IndicatorType.SHA256),
            Map.entry("file:hashes.sha256", IndicatorType.SHA256),
            Map.entry("file:hashes.md5", IndicatorType.MD5),
            Map.entry("file:hashes.sha-1", IndicatorType.SHA1),
            Map.entry("file:hashes.sha1", IndicatorType.SHA1),
            Map.entry("network-traffic:extensions.http-request-ext.request_header.user-agent",
                    IndicatorType.USER_AGENT));

    private StixBundleParser() {
    }

    /** With {@link NetworkScope#DEFAULT}. */
    public static FeedBatch parse(Path file) {
        return parse(file, NetworkScope.DEFAULT);
    }

    /** Network values out of {@code scope} are refused (see {@link FeedBatch#refused}). */
    public static FeedBatch parse(Path file, NetworkScope scope) {
        try {
            return parse(JSON.readTree(file.toFile()), file.getFileName().toString(), scope);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read STIX bundle " + file + ": " + e.getMessage()
                    + "; expected a STIX 2.1 bundle in JSON", e);
        }
    }

    /** With {@link NetworkScope#DEFAULT}. */
    public static FeedBatch parse(JsonNode root, String source) {
        return parse(root, source, NetworkScope.DEFAULT);
    }

    public static FeedBatch parse(JsonNode root, String source, NetworkScope scope) {
        FeedBatch.Builder b = new FeedBatch.Builder(source, scope);
        JsonNode objects = root.isArray() ? root : root.path("objects");
        if (!objects.isArray()) {
            throw new IllegalArgumentException("STIX input " + source + " has no 'objects' array; expected a "
                    + "bundle {\"type\": \"bundle\", \"objects\": [...]}");
        }
        addObjects(objects, source, b);
        return b.build();
    }

    /** Adds the indicators among {@code objects} to {@code b}. */
    public static void addObjects(Iterable<JsonNode> objects, String source, FeedBatch.Builder b) {
        for (JsonNode o : objects) {
            if (!"indicator".equals(o.path("type").asText())) {
                continue;
            }
            String id = o.path("id").asText("");
            try {
                addIndicator(o, id, source, b);
            } catch (IllegalArgumentException e) {
                b.skip(source + " " + (id.isEmpty() ? "indicator without id" : id) + ": " + e.getMessage());
            }
        }
    }

    private static void addIndicator(JsonNode o, String id, String source, FeedBatch.Builder b) {
        if (id.isEmpty()) {
            throw new IllegalArgumentException("no 'id'");
        }
        Instant modified = time(o, "modified");
        if (modified == null) {
            modified = time(o, "created");
        }
        if (modified == null) {
            throw new IllegalArgumentException("neither 'modified' nor 'created' is set");
        }
        b.version(id, modified);
        boolean revoked = o.path("revoked").asBoolean(false);
        String patternType = o.path("pattern_type").asText("stix");
        if (!"stix".equals(patternType)) {
            throw new IllegalArgumentException("pattern_type '" + patternType + "' is not supported (only stix)");
        }
        Instant from = time(o, "valid_from");
        Instant until = time(o, "valid_until");
        if (from != null && until != null && !until.isAfter(from)) {
            throw new IllegalArgumentException("valid_until " + until + " is not after valid_from " + from);
        }
        double confidence = DEFAULT_CONFIDENCE;
        if (o.has("confidence")) {
            int c = o.get("confidence").asInt(-1);
            if (!o.get("confidence").isIntegralNumber() || c < 0 || c > 100) {
                throw new IllegalArgumentException("confidence " + o.get("confidence") + " is not an integer 0-100");
            }
            confidence = c / 100.0;
        }
        String pattern = o.path("pattern").asText("");
        List<StixPattern.Comparison> comparisons;
        try {
            comparisons = StixPattern.parse(pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsupported pattern " + pattern + ": " + e.getMessage());
        }
        List<Indicator> values = new ArrayList<>(comparisons.size()); // all or none of an indicator's values
        for (StixPattern.Comparison c : comparisons) {
            IndicatorType t = PATHS.get(c.path().toLowerCase(Locale.ROOT));
            if (t == null) {
                b.skip(source + " " + id + ": unsupported object path " + c.path() + " in pattern " + pattern);
                continue;
            }
            if (t.isNetwork()) {
                t = Observables.networkType(c.value());
            }
            String value = Observables.normalize(t, c.value());
            values.add(new Indicator(id + "|" + t.wireName() + ":" + value, id, t, value, source, confidence, from, until,
                    revoked, modified));
        }
        values.forEach(v -> b.add(v, id)); // a value out of the builder's scope is refused alone
    }

    private static Instant time(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + n.asText() + "' is not an RFC 3339 UTC timestamp");
        }
    }
}
