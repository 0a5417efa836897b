package io.shadow.mitigation.profile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.ColumnLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates mitigation profiles from YAML. Every problem is reported with the line and
 * the key it is at, all at once, so an operator fixes a file in one pass
 * ({@code bin/shadow profiles check FILE}).
 */
public final class ProfileLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            // a key given twice (two `expires:` in one action) is a mistake, not "the last one wins"
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    /** For versions stored before duplicate keys were refused ({@link #parseStored}). */
    private static final ObjectMapper LENIENT_YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_KEYS = Set.of("version", "author", "thresholds", "profiles");
    /**
     * What a profile's {@code evidence} may name: the part of an anomaly's pattern before {@code @} — a
     * feature, {@code combination} (several features together), {@code novel} (any first-seen value).
     */
    static final List<String> EVIDENCE = java.util.stream.Stream.concat(java.util.Arrays.stream(
            io.shadow.features.Feature.values()).map(io.shadow.features.Feature::wireName),
            java.util.stream.Stream.of("combination", "novel")).toList();
    private static final Set<String> PROFILE_KEYS = Set.of("name", "band", "resource_types", "evidence", "dry_run",
            "actions");
    public static final String DEFAULT_RESOURCE = "/io/shadow/mitigation/profiles/default.yaml";

    private final String source;
    private final Map<String, Integer> lines;
    private final List<String> problems = new ArrayList<>();
    /** Parsing a version already in the store (see {@link #parse(String, String, ObjectMapper, boolean)}). */
    private boolean stored;

    private ProfileLoader(String source, Map<String, Integer> lines) {
        this.source = source;
        this.lines = lines;
    }

    public static ProfileSet load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profiles file " + file, e);
        }
    }

    public static ProfileSet defaults() {
        try (InputStream in = ProfileLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default profiles");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates; throws {@link ProfileException} listing every problem with its line. */
    public static ProfileSet parse(String yaml, String source) {
        return parse(yaml, source, YAML);
    }

    /**
     * As {@link #parse} for a version already in the store: one stored before keys given twice were
     * refused still loads (the last one wins, as it did then), with a warning naming the version, so an
     * upgrade does not stop the service over a row nobody can edit.
     */
    public static ProfileSet parseStored(String yaml, String source) {
        try {
            YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String twice = io.shadow.features.config.YamlConfig.duplicateKey(e);
            if (twice != null) {
                org.slf4j.LoggerFactory.getLogger(ProfileLoader.class).warn("{}: key '{}' is given twice in one "
                        + "mapping; loaded as it was stored (the last value wins); upload a corrected version to "
                        + "replace it", source, twice);
                return parse(yaml, source, LENIENT_YAML, true);
            }
        }
        return parse(yaml, source, YAML, true);
    }

    private static ProfileSet parse(String yaml, String source, ObjectMapper mapper) {
        return parse(yaml, source, mapper, false);
    }

    /**
     * @param stored a version already in the store: a profile that is never chosen (refused in uploads and
     *     files since 2026-11-27 when the profiles before it answer its anomalies between them) is a warning
     *     naming the version, so that an upgrade does not stop the service over a row nobody can edit
     */
    private static ProfileSet parse(String yaml, String source, ObjectMapper mapper, boolean stored) {
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String twice = io.shadow.features.config.YamlConfig.duplicateKey(e);
            throw new ProfileException(List.of(source + " line " + (loc == null ? "?" : loc.getLineNr())
                    + (twice != null ? ": key '" + twice + "' is given twice in one mapping (the second ends near "
                            + "here); give it once"
                            : ": not valid YAML: " + e.getOriginalMessage())));
        }
        ProfileLoader l = new ProfileLoader(source, lineIndex(yaml));
        l.stored = stored;
        ProfileSet set = l.read(root);
        if (!l.problems.isEmpty()) {
            throw new ProfileException(l.problems);
        }
        return set;
    }

    private ProfileSet read(JsonNode root) {
        if (root == null || !root.isObject()) {
            problem("", "the file must be a mapping with version, author, thresholds and profiles");
            return null;
        }
        unknownKeys(root, "", TOP_KEYS);
        int version = root.path("version").asInt(-1);
        if (version < 1) {
            problem("/version", "version must be a positive integer, bumped on every change");
        }
        String author = text(root, "/author", "who made this change, e.g. 'alice@example.com'");
        fits("/author", author, ColumnLimits.AUTHOR);
        JsonNode t = root.path("thresholds");
        double low = number(t, "/thresholds/low");
        double medium = number(t, "/thresholds/medium");
        double high = number(t, "/thresholds/high");
        if (!(0 <= low && low < medium && medium < high && high <= 100)) {
            problem("/thresholds", "thresholds must satisfy 0 <= low < medium < high <= 100, got low=" + low
                    + " medium=" + medium + " high=" + high);
        }
        List<MitigationProfile> profiles = new ArrayList<>();
        JsonNode ps = root.path("profiles");
        if (!ps.isArray() || ps.isEmpty()) {
            problem("/profiles", "profiles must be a non-empty list");
        } else {
            Map<String, Integer> firstByName = new HashMap<>();
            for (int i = 0; i < ps.size(); i++) {
                MitigationProfile p = profile(ps.get(i), "/profiles/" + i);
                if (p != null) {
                    Integer first = firstByName.putIfAbsent(p.name(), i);
                    if (first != null) {
                        // mitigations, history and feedback name their profile: two with one name could not be told apart
                        problem("/profiles/" + i + "/name", "profile name '" + p.name() + "' is already used by "
                                + "profiles." + first + "; every profile needs a name of its own");
                    }
                    profiles.add(p);
                }
            }
        }
        coverage(profiles);
        return new ProfileSet(version, author, low, medium, high, profiles);
    }

    private MitigationProfile profile(JsonNode p, String at) {
        if (!p.isObject()) {
            problem(at, "a profile must be a mapping with name, band, resource_types and actions");
            return null;
        }
        unknownKeys(p, at, PROFILE_KEYS);
        String name = text(p, at + "/name", "a unique profile name");
        fits(at + "/name", name, ColumnLimits.PROFILE_NAME);
        Band band = null;
        try {
            band = Band.fromWire(p.path("band").asText(""));
            if (band == Band.NONE) {
                problem(at + "/band", "band must be low, medium or high");
            }
        } catch (IllegalArgumentException e) {
            problem(at + "/band", e.getMessage());
        }
        Set<ResourceType> types = EnumSet.noneOf(ResourceType.class);
        JsonNode rt = p.path("resource_types");
        if (!rt.isArray() || rt.isEmpty()) {
            problem(at + "/resource_types", "resource_types must be a non-empty list, e.g. [data_storage, database]");
        } else {
            for (int i = 0; i < rt.size(); i++) {
                try {
                    types.add(ResourceType.fromWire(rt.get(i).asText()));
                } catch (IllegalArgumentException e) {
                    problem(at + "/resource_types/" + i, e.getMessage());
                }
            }
        }
        Set<String> evidence = new java.util.TreeSet<>();
        JsonNode ev = p.path("evidence");
        if (!ev.isMissingNode()) {
            if (!ev.isArray() || ev.isEmpty()) {
                problem(at + "/evidence", "evidence must be a non-empty list of anomaly kinds, e.g. [failures], or "
                        + "left out for every kind");
            } else {
                for (int i = 0; i < ev.size(); i++) {
                    String kind = ev.get(i).asText("");
                    if (!EVIDENCE.contains(kind)) {
                        problem(at + "/evidence/" + i, "unknown anomaly kind '" + kind + "'; use one of " + EVIDENCE);
                    } else {
                        evidence.add(kind);
                    }
                }
            }
        }
        List<ActionSpec> actions = new ArrayList<>();
        JsonNode as = p.path("actions");
        if (!as.isArray() || as.isEmpty()) {
            problem(at + "/actions", "actions must be a non-empty list");
        } else {
            for (int i = 0; i < as.size(); i++) {
                ActionSpec a = action(as.get(i), at + "/actions/" + i);
                if (a != null) {
                    actions.add(a);
                }
            }
        }
        if (band == null || band == Band.NONE || types.isEmpty() || name == null) {
            return null;
        }
        return new MitigationProfile(name, band, types, evidence, p.path("dry_run").asBoolean(false), actions);
    }

    private ActionSpec action(JsonNode a, String at) {
        return ActionRules.read(a, (pointer, message) -> problem(at + pointer, message));
    }

    private void coverage(List<MitigationProfile> profiles) {
        List<String> missing = new ArrayList<>();
        for (Band b : List.of(Band.LOW, Band.MEDIUM, Band.HIGH)) {
            for (ResourceType t : ResourceType.values()) {
                if (profiles.stream().noneMatch(p -> p.matches(b, t))) { // a profile with evidence covers some only
                    missing.add(b.wireName() + "/" + t.wireName());
                }
            }
        }
        if (!missing.isEmpty() && problems.isEmpty()) {
            problem("/profiles", "no profile covers " + missing + "; every band needs a profile for every resource "
                    + "type (one without evidence: a profile with evidence answers only those anomalies)");
        }
        if (!problems.isEmpty()) {
            return;
        }
        // first match wins: a profile whose every anomaly an earlier profile (or several together) answers first
        // is never used
        for (int i = 0; i < profiles.size(); i++) {
            MitigationProfile p = profiles.get(i);
            List<MitigationProfile> before = profiles.subList(0, i);
            java.util.Set<String> takers = new java.util.TreeSet<>();
            if (claimedBefore(p, before, takers)) {
                String kinds = p.evidence().isEmpty() ? "" : " of kinds " + p.evidence().stream().sorted().toList();
                neverChosen("/profiles/" + i + (p.evidence().isEmpty() ? "/resource_types" : "/evidence"), "profile '"
                        + p.name() + "' is never chosen: " + (takers.size() == 1 ? "profile '" + takers.iterator()
                                .next() + "' before it answers" : "profiles " + takers.stream().map(n -> "'" + n + "'")
                                .toList() + " before it answer") + " every " + p.band().wireName() + " anomaly"
                        + kinds + " on " + p.resourceTypes().stream().map(ResourceType::wireName).sorted().toList()
                        + "; move '" + p.name() + "' above " + (takers.size() == 1 ? "it" : "them"));
            }
        }
    }

    /** A problem, or for a version already in the store a warning: it was taken when it was stored. */
    private void neverChosen(String pointer, String message) {
        if (!stored) {
            problem(pointer, message);
            return;
        }
        org.slf4j.LoggerFactory.getLogger(ProfileLoader.class).warn("{} (key {}): {}; loaded as it was stored; "
                + "upload a corrected version to replace it", source, pointer, message);
    }

    /**
     * Whether every anomaly {@code p} answers (each of its resource types, and each of its evidence kinds, or
     * every kind when it has none) is answered by a profile in {@code before}; {@code takers} gets their names.
     * A profile with evidence claims only its kinds, so it never takes an anomaly of every kind.
     */
    private static boolean claimedBefore(MitigationProfile p, List<MitigationProfile> before,
            java.util.Set<String> takers) {
        for (ResourceType t : p.resourceTypes()) {
            for (String kind : p.evidence().isEmpty() ? java.util.Collections.<String>singleton(null) : p.evidence()) {
                MitigationProfile taker = before.stream().filter(q -> q.band() == p.band()
                        && q.resourceTypes().contains(t) && (q.evidence().isEmpty()
                                || (kind != null && q.evidence().contains(kind)))).findFirst().orElse(null);
                if (taker == null) {
                    return false;
                }
                takers.add(taker.name());
            }
        }
        return true;
    }

    private void unknownKeys(JsonNode node, String at, Set<String> allowed) {
        ActionRules.unknownKeys(node, at, allowed, this::problem);
    }

    private String text(JsonNode node, String pointer, String what) {
        JsonNode v = node.at(JsonPointer.compile(pointer.substring(pointer.lastIndexOf('/'))));
        if (!v.isTextual() || v.asText().isBlank()) {
            problem(pointer, "missing " + pointer.substring(pointer.lastIndexOf('/') + 1) + ": " + what);
            return null;
        }
        return v.asText();
    }

    private void fits(String pointer, String value, int max) {
        String tooLong = ColumnLimits.tooLong(pointer.substring(pointer.lastIndexOf('/') + 1), value, max);
        if (tooLong != null) {
            problem(pointer, tooLong);
        }
    }

    private double number(JsonNode node, String pointer) {
        JsonNode v = node.path(pointer.substring(pointer.lastIndexOf('/') + 1));
        if (!v.isNumber()) {
            problem(pointer, "missing or not a number: a risk score between 0 and 100");
            return Double.NaN;
        }
        return v.asDouble();
    }

    private void problem(String pointer, String message) {
        Integer line = null;
        String p = pointer;
        while (line == null && p != null) {
            line = lines.get(p);
            p = p.isEmpty() ? null : p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
        String key = pointer.isEmpty() ? "(top level)" : ActionRules.key(pointer);
        problems.add(source + " line " + (line == null ? 1 : line) + ", key " + key + ": " + message);
    }

    /** JSON pointer of every key and value → its line in the YAML text. */
    private static Map<String, Integer> lineIndex(String yaml) {
        Map<String, Integer> out = new HashMap<>();
        try (JsonParser p = YAML.getFactory().createParser(yaml)) {
            JsonToken tok;
            while ((tok = p.nextToken()) != null) {
                String pointer = p.getParsingContext().pathAsPointer().toString();
                if (tok == JsonToken.FIELD_NAME || tok.isScalarValue() || tok == JsonToken.START_OBJECT
                        || tok == JsonToken.START_ARRAY) {
                    out.putIfAbsent(pointer, p.currentLocation().getLineNr());
                }
            }
        } catch (IOException e) {
            // parse errors were reported by readTree already
        }
        return out;
    }
}
