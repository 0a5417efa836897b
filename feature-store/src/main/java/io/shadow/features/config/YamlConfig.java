package io.shadow.features.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves a typed configuration object in one place: built-in defaults (YAML text listing every
 * key), overlaid by a YAML file, by environment variables ({@code PREFIX_SERVER_PORT} for
 * {@code server.port}) and by {@code key=value} overrides, in that order. A key the defaults do
 * not have is an error naming it and the known keys; a value of the wrong type names the key, the
 * value and what is expected in plain words (see {@link MappingErrors}).
 */
public final class YamlConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // port: 8080.5 is a typo or a misunderstanding, not port 8080
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // a key given twice is a mistake (which one was meant?), not "the last one wins"
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile(
            "Duplicate field '([^']*)'.*");

    private YamlConfig() {
    }

    /**
     * The key a mapper with {@link DeserializationFeature#FAIL_ON_READING_DUP_TREE_KEY} found twice
     * in one mapping, or null when {@code e} is about something else.
     */
    public static String duplicateKey(com.fasterxml.jackson.core.JsonProcessingException e) {
        java.util.regex.Matcher m = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        return m.matches() ? m.group(1) : null;
    }

    public static <T> T load(Class<T> type, String defaults, Path file, Map<String, String> env, String envPrefix,
            List<String> sets) {
        return load(type, defaults, file, env, envPrefix, sets, c -> { });
    }

    /**
     * As {@link #load(Class, String, Path, Map, String, List)}, then {@code validate}; an error about a
     * value given by an environment variable or {@code --set}, in either step, names that variable or
     * {@code --set} after the value: the file may hold a good one.
     */
    public static <T> T load(Class<T> type, String defaults, Path file, Map<String, String> env, String envPrefix,
            List<String> sets, java.util.function.Consumer<? super T> validate) {
        ObjectNode tree = (ObjectNode) read(defaults, "defaults");
        if (file != null) {
            String text;
            try {
                text = Files.readString(file);
            } catch (NoSuchFileException e) {
                throw new ConfigException("config file " + file + " does not exist; give the path of a YAML config "
                        + "file (keys: " + ("SHADOW_AGENT".equals(envPrefix) ? "docs/agent.md" : "docs/configuration.md")
                        + ")");
            } catch (AccessDeniedException e) {
                throw new ConfigException("cannot read config file " + file + ": permission denied");
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + (Files.isDirectory(file)
                        ? "it is a folder, not a file" : e.getMessage()));
            }
            JsonNode user = read(text, file.toString());
            if (user != null && !user.isNull() && !user.isMissingNode()) {
                if (!user.isObject()) {
                    throw new ConfigException(file + ": the config must be a mapping of keys");
                }
                merge(tree, (ObjectNode) user, "", file.toString());
            }
        }
        List<String> leaves = new ArrayList<>();
        leaves(tree, "", leaves);
        for (var e : env.entrySet()) {
            if (!e.getKey().startsWith(envPrefix + "_")) {
                continue;
            }
            for (String key : leaves) {
                if (envName(envPrefix, key).equals(e.getKey())) {
                    set(tree, key, e.getValue());
                }
            }
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set '" + s + "' must look like key.path=value, e.g. server.port=9090");
            }
            String key = s.substring(0, eq).trim();
            if (!leaves.contains(key)) {
                throw new ConfigException("--set " + key + ": unknown key; known keys: " + leaves);
            }
            set(tree, key, s.substring(eq + 1));
        }
        T config;
        try {
            config = YAML.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw withOrigin(MappingErrors.explain(e, tree, file), env, envPrefix, sets);
        } catch (IOException e) {
            throw new ConfigException("config: " + e.getMessage());
        }
        try {
            validate.accept(config);
        } catch (ConfigException e) {
            throw withOrigin(e, env, envPrefix, sets);
        }
        return config;
    }

    /**
     * {@code e} naming where its key's value came from when that was an environment variable or
     * {@code --set}: for checks that run after {@link #load} (a port in use, a key store that does not
     * open), with the same inputs {@code load} was given.
     */
    public static ConfigException withOrigin(ConfigException e, Map<String, String> env, String envPrefix,
            List<String> sets) {
        if (e.key() == null) {
            return e;
        }
        String key = e.key().replaceFirst("\\[.*", "");
        if (sets.stream().anyMatch(s -> s.indexOf('=') > 0 && s.substring(0, s.indexOf('=')).trim().equals(key))) {
            return e.from("--set");
        }
        String variable = envName(envPrefix, key);
        return env.containsKey(variable) ? e.from(variable) : e;
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String prefix, String key) {
        return prefix + "_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Parses an ISO-8601 duration, positive, or fails naming the key. */
    public static Duration duration(String key, String value) {
        try {
            Duration d = Duration.parse(value);
            ConfigException.check(!d.isNegative() && !d.isZero(), key, value,
                    "a positive ISO-8601 duration like PT30S");
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw ConfigException.invalid(key, value, "an ISO-8601 duration like PT30S or PT2H");
        }
    }

    private static JsonNode read(String text, String source) {
        try {
            return YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String twice = duplicateKey(e);
            if (twice != null) {
                throw new ConfigException(source + ": key '" + twice + "' is given twice"
                        + (e.getLocation() == null ? "" : " (the second ends near line " + e.getLocation().getLineNr() + ")")
                        + "; give it once");
            }
            throw new ConfigException(source + ": not valid YAML" + syntaxError(e) + "; fix the file's syntax there");
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
    }

    /** A variable named like a setting ({@code PREFIX_…}) that sets none, with the key whose variable is closest. */
    public record StrayVariable(String variable, String closestKey) {
    }

    /**
     * The variables of {@code env} that start with {@code prefix_} but set no key of {@code defaults} (a misspelt
     * {@code SHADOW_SERVER_PROT} would otherwise be ignored without a word, as an unknown key in the file is not),
     * sorted, each with the key whose variable is closest by edit distance; variables starting with one of
     * {@code others} (another program's settings, test switches) are not settings of this one.
     */
    public static List<StrayVariable> strayVariables(Map<String, String> env, String prefix, String defaults,
            java.util.Collection<String> others) {
        List<String> keys = new ArrayList<>();
        leaves(read(defaults, "defaults"), "", keys);
        java.util.Set<String> known = new java.util.HashSet<>();
        keys.forEach(k -> known.add(envName(prefix, k)));
        List<StrayVariable> out = new ArrayList<>();
        for (String variable : new java.util.TreeSet<>(env.keySet())) {
            if (!variable.startsWith(prefix + "_") || known.contains(variable)
                    || others.stream().anyMatch(variable::startsWith)) {
                continue;
            }
            String closest = null;
            int best = Integer.MAX_VALUE;
            for (String k : keys) {
                int d = distance(variable, envName(prefix, k));
                if (d < best) {
                    best = d;
                    closest = k;
                }
            }
            out.add(new StrayVariable(variable, closest));
        }
        return out;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1,
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Where and what the syntax error is, without the parser's copy of the offending line: that line may hold a
     * token or password, and the message ends up in logs.
     */
    static String syntaxError(com.fasterxml.jackson.core.JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
                var start = m.getContextMark();
                return " at line " + (m.getProblemMark().getLine() + 1) + ", column "
                        + (m.getProblemMark().getColumn() + 1)
                        + ": " + m.getProblem() + (m.getContext() == null ? "" : " (" + m.getContext()
                                + (start == null ? "" : " from line " + (start.getLine() + 1) + ", column "
                                        + (start.getColumn() + 1)) + ")");
            }
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return where + ": " + e.getOriginalMessage();
    }

    private static void merge(ObjectNode base, ObjectNode user, String prefix, String source) {
        for (Iterator<Map.Entry<String, JsonNode>> it = user.fields(); it.hasNext(); ) {
            var f = it.next();
            String key = prefix + f.getKey();
            JsonNode existing = base.get(f.getKey());
            if (existing == null) {
                List<String> known = new ArrayList<>();
                base.fieldNames().forEachRemaining(n -> known.add(prefix + n));
                throw new ConfigException(source + ": unknown key '" + key + "'; known keys here: " + known);
            }
            if (existing.isObject() && f.getValue().isObject()) {
                merge((ObjectNode) existing, (ObjectNode) f.getValue(), key + ".", source);
            } else {
                base.set(f.getKey(), f.getValue());
            }
        }
    }

    private static void leaves(JsonNode node, String prefix, List<String> out) {
        node.fields().forEachRemaining(f -> {
            if (f.getValue().isObject()) {
                leaves(f.getValue(), prefix + f.getKey() + ".", out);
            } else {
                out.add(prefix + f.getKey());
            }
        });
    }

    private static void set(ObjectNode tree, String key, String value) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        JsonNode old = node.get(parts[parts.length - 1]);
        if (old != null && old.isArray()) {
            var arr = YAML.createArrayNode();
            String items = value.strip();
            if (items.startsWith("[") && items.endsWith("]")) {
                items = items.substring(1, items.length() - 1); // as the file writes a list: [a, b]
            }
            for (String v : items.split(",")) {
                if (!v.isBlank()) {
                    arr.add(v.trim());
                }
            }
            node.set(parts[parts.length - 1], arr);
        } else {
            node.set(parts[parts.length - 1], TextNode.valueOf(value));
        }
    }
}
