package io.shadow.cli.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves a {@link ShadowConfig}: defaults, overlaid by a YAML file, by {@code SHADOW_<KEY>}
 * environment variables ({@code SHADOW_SERVER_PORT} for {@code server.port}), and by
 * {@code --set key=value} flags, in that order; then validates, naming the key and bad value.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Every key with its default. */
    public static final String DEFAULTS = """
            data-dir: .shadow/data
            warehouse: ""
            registry: ""
            store:
              jdbc-url: ""
              user: sa
              password: ""
            server:
              host: 127.0.0.1
              port: 8080
              max-request-bytes: 10485760
            auth:
              tokens: []
            detector:
              threshold: 5.0
              hour-prior: 24
              population-prior: 48
              realert-factor: 1.25
              quiet-seconds: 1800
              sustained-allowance: 4.0
            intel:
              feeds: []
            profiles: ""
            spark:
              master: local[*]
              shuffle-partitions: 4
            mitigation:
              incident-window: PT2H
              expiry-sweep: PT30S
            """;

    private ConfigLoader() {
    }

    public static ShadowConfig load(Path file, Map<String, String> env, List<String> sets) {
        ObjectNode tree = (ObjectNode) read(DEFAULTS, "defaults");
        if (file != null) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
            JsonNode user = read(text, file.toString());
            if (user != null && !user.isNull()) {
                if (!user.isObject()) {
                    throw new ConfigException(file + ": the config must be a mapping of keys");
                }
                merge(tree, (ObjectNode) user, "", file.toString());
            }
        }
        List<String> leaves = new ArrayList<>();
        leaves(tree, "", leaves);
        for (var e : env.entrySet()) {
            if (!e.getKey().startsWith("SHADOW_")) {
                continue;
            }
            for (String key : leaves) {
                if (envName(key).equals(e.getKey())) {
                    set(tree, key, e.getValue(), "environment variable " + e.getKey());
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
            set(tree, key, s.substring(eq + 1), "--set " + key);
        }
        ShadowConfig cfg;
        try {
            cfg = YAML.treeToValue(tree, ShadowConfig.class);
        } catch (JsonMappingException e) {
            throw new ConfigException("config key '" + path(e) + "': " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("config: " + e.getMessage());
        }
        validate(cfg);
        return cfg;
    }

    public static String envName(String key) {
        return "SHADOW_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static JsonNode read(String text, String source) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
    }

    /** Overlays {@code user} onto {@code base}; a key the defaults lack is an error naming it. */
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

    private static void set(ObjectNode tree, String key, String value, String source) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        JsonNode old = node.get(parts[parts.length - 1]);
        if (old != null && old.isArray()) {
            var arr = YAML.createArrayNode();
            for (String v : value.split(",")) {
                if (!v.isBlank()) {
                    arr.add(v.trim());
                }
            }
            node.set(parts[parts.length - 1], arr);
        } else {
            node.set(parts[parts.length - 1], TextNode.valueOf(value));
        }
    }

    private static void validate(ShadowConfig c) {
        check(c.server().port() >= 0 && c.server().port() <= 65535, "server.port", c.server().port(), "0-65535");
        check(c.server().maxRequestBytes() >= 1024, "server.max-request-bytes", c.server().maxRequestBytes(),
                "at least 1024");
        check(c.spark().shufflePartitions() > 0, "spark.shuffle-partitions", c.spark().shufflePartitions(),
                "a positive number");
        duration("mitigation.incident-window", c.mitigation().incidentWindow());
        duration("mitigation.expiry-sweep", c.mitigation().expirySweep());
        for (ShadowConfig.Token t : c.auth().tokens()) {
            check(t.token() != null && t.token().length() >= 16, "auth.tokens[" + t.name() + "].token", "(hidden)",
                    "a random string of at least 16 characters");
            try {
                io.shadow.mitigation.api.Role.fromWire(t.role() == null ? "" : t.role());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("auth.tokens[" + t.name() + "].role: " + e.getMessage());
            }
        }
        for (String f : c.intel().feeds()) {
            check(Files.isReadable(Path.of(f)), "intel.feeds", f, "a readable file");
        }
        if (!c.profiles().isBlank()) {
            check(Files.isReadable(Path.of(c.profiles())), "profiles", c.profiles(), "a readable YAML file");
        }
        try {
            c.detector().toDetectorConfig();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    public static Duration duration(String key, String value) {
        try {
            Duration d = Duration.parse(value);
            check(!d.isNegative() && !d.isZero(), key, value, "a positive ISO-8601 duration like PT30S");
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException("invalid " + key + " = " + value + "; expected an ISO-8601 duration like PT30S "
                    + "or PT2H");
        }
    }

    private static void check(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new ConfigException("invalid " + key + " = " + value + "; expected " + expected);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return sb + " (unknown; known: " + u.getKnownPropertyIds() + ")";
        }
        return sb.toString();
    }

    /** A configuration error; the message names the key and the fix. */
    public static final class ConfigException extends IllegalArgumentException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
