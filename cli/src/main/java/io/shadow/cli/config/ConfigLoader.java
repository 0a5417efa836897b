package io.shadow.cli.config;

import io.shadow.features.config.ConfigException;
import io.shadow.features.config.ConfigFolders;
import io.shadow.features.config.YamlConfig;
import io.shadow.features.json.TransferLimit;
import io.shadow.scorer.ScorerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a {@link ShadowConfig} with {@link YamlConfig}: defaults, overlaid by a YAML file, by
 * {@code SHADOW_<KEY>} environment variables ({@code SHADOW_SERVER_PORT} for {@code server.port}),
 * and by {@code --set key=value} flags, in that order; then validates, naming the key and bad value.
 */
public final class ConfigLoader {
    /**
     * Every key with its default; a default that belongs to a rule defined elsewhere
     * ({@link TransferLimit#DEFAULT_MAX_BYTES}) is filled in from there, not copied.
     */
    public static final String DEFAULTS = """
            data-dir: .shadow/data
            warehouse: ""
            registry:
              uri: ""
              username: ""
              password: ""
              token: ""
            store:
              jdbc-url: ""
              user: sa
              password: ""
            server:
              host: 127.0.0.1
              port: 8080
              max-request-bytes: 10485760
              max-bodies-bytes: 0
              max-connections: 10000
              body-timeout: PT30S
              drain-delay: PT0S
              shutdown-timeout: PT20S
              tls-key-store: ""
              tls-password: ""
            auth:
              tokens: []
            detector:
              threshold: 5.0
              hour-prior: 24
              population-prior: 48
              realert-factor: 1.25
              quiet-seconds: 1800
              sustained-allowance: 4.0
              novelty-half-life-seconds: 3600
            intel:
              feeds: []
              taxii:
                url: ""
                collections: []
                user: ""
                password: ""
                token: ""
              max-held: P7D
              min-prefix-ipv4: 8
              min-prefix-ipv6: 32
            profiles: ""
            spark:
              master: local[*]
              shuffle-partitions: 4
            mitigation:
              incident-window: PT2H
              expiry-sweep: PT30S
              store-sync: PT1S
              max-held: 10000
              held-retry: PT1S
              review-window: P30D
              emergency:
                limit: 5
                window: PT10M
              protected:
                principals: []
                hosts: []
                resources: []
              gateway:
                principal-case: exact
              agent:
                fetch-timeout: PT1M
                ack-timeout: PT3M
              encryption:
                key-dir: ""
                roots: []
              rollback:
                tables: []
                pin-interval: PT1H
              channels:
                webhooks: []
                delivery:
                  attempts: 8
                  backoff: PT1S
                  max-backoff: PT5M
                  timeout: PT10S
                smtp:
                  host: ""
                  port: 25
                  from: shadow@localhost
                  username: ""
                  password: ""
                  starttls: false
                  domain: ""
                  domains: []
                  operators: []
            scorer:
              shards: 0
              max-in-flight: 8
              max-queued: 64
              queue-timeout: PT0.5S
              retry-after-seconds: 1
              max-entities: 200000
              checkpoint-dir: ""
              checkpoint-interval: PT1M
              reload-interval: PT1M
              model:
                poll: PT15S
              max-future-skew: PT5M
              default-tenant: ""
              max-transfer-bytes: %d
              dedupe-window: %d
            """.formatted(TransferLimit.DEFAULT_MAX_BYTES, ScorerSettings.DEFAULT_DEDUPE_WINDOW);

    /**
     * {@code SHADOW_…} variables that are not settings of the config: the agent's ({@code SHADOW_AGENT_…}, its own
     * config), the tests' switches, those {@code bin/shadow}, {@code bin/notebooks} and {@code bin/test} read, and
     * the gateway's of {@code docs/nginx-shadow.conf} (often set in the same environment).
     */
    static final List<String> NOT_SETTINGS = List.of("SHADOW_AGENT_", "SHADOW_TEST_", "SHADOW_LOG_LEVEL",
            "SHADOW_LIB_LOG_LEVEL", "SHADOW_NO_BUILD", "SHADOW_VENV", "SHADOW_API", "SHADOW_GATEWAY_TOKEN",
            "SHADOW_TENANT");
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    public static ShadowConfig load(Path file, Map<String, String> env, List<String> sets) {
        strayVariables(env).forEach(LOG::warn);
        return YamlConfig.load(ShadowConfig.class, DEFAULTS, file, env, "SHADOW", sets, ConfigLoader::validate);
    }

    /**
     * A warning for each {@code SHADOW_…} variable of {@code env} that sets nothing (a misspelt name), naming the
     * closest setting's variable. A warning, not an error: other programs' variables may share the prefix.
     */
    static List<String> strayVariables(Map<String, String> env) {
        return YamlConfig.strayVariables(env, "SHADOW", DEFAULTS, NOT_SETTINGS).stream()
                .map(v -> "environment variable " + v.variable() + " is not a setting and is ignored"
                        + (v.closestKey() == null ? "" : "; did you mean " + envName(v.closestKey()) + " ("
                                + v.closestKey() + ")?") + " Every SHADOW_<KEY> variable names a key of "
                        + "docs/configuration.md")
                .toList();
    }

    /** {@link YamlConfig#withOrigin} for a check after {@link #load} with the same environment and sets. */
    public static ConfigException withOrigin(ConfigException e, Map<String, String> env, List<String> sets) {
        return YamlConfig.withOrigin(e, env, "SHADOW", sets);
    }

    public static String envName(String key) {
        return YamlConfig.envName("SHADOW", key);
    }

    private static void validate(ShadowConfig c) {
        // a file in the way is wrong for every command; creating and writing is checked by those that write
        ConfigFolders.checkPlace("data-dir", Path.of(c.dataDir()));
        check(c.server().port() >= 0 && c.server().port() <= 65535, "server.port", c.server().port(), "0-65535");
        check(c.server().maxRequestBytes() >= 1024, "server.max-request-bytes", c.server().maxRequestBytes(),
                "at least 1024");
        check(c.server().maxBodiesBytes() >= 0, "server.max-bodies-bytes", c.server().maxBodiesBytes(),
                "0 (an eighth of the heap) or a number of bytes");
        check(c.server().maxConnections() >= 1, "server.max-connections", c.server().maxConnections(),
                "at least 1");
        duration("server.body-timeout", c.server().bodyTimeout());
        durationOrZero("server.drain-delay", c.server().drainDelay());
        durationOrZero("server.shutdown-timeout", c.server().shutdownTimeout());
        check(io.shadow.spark.SparkSessions.isMaster(c.spark().master()), "spark.master", c.spark().master(),
                io.shadow.spark.SparkSessions.MASTERS);
        check(c.spark().shufflePartitions() > 0, "spark.shuffle-partitions", c.spark().shufflePartitions(),
                "a positive number");
        duration("mitigation.incident-window", c.mitigation().incidentWindow());
        duration("mitigation.expiry-sweep", c.mitigation().expirySweep());
        durationOrZero("mitigation.store-sync", c.mitigation().storeSync());
        check(c.mitigation().maxHeld() >= 1, "mitigation.max-held", c.mitigation().maxHeld(), "at least 1");
        duration("mitigation.held-retry", c.mitigation().heldRetry());
        duration("mitigation.review-window", c.mitigation().reviewWindow());
        check(List.of("exact", "ignore").contains(c.mitigation().gateway().principalCase()),
                "mitigation.gateway.principal-case", c.mitigation().gateway().principalCase(),
                "exact (the default: 'Alice' is not 'alice') or ignore (for identity stores that accept a login in "
                        + "any case, such as Active Directory)");
        check(c.mitigation().emergency().limit() >= 0, "mitigation.emergency.limit", c.mitigation().emergency().limit(),
                "0 or more (0 turns the emergency path off: high-band anomalies are contained at medium)");
        duration("mitigation.emergency.window", c.mitigation().emergency().window());
        duration("mitigation.agent.fetch-timeout", c.mitigation().agent().fetchTimeout());
        duration("mitigation.agent.ack-timeout", c.mitigation().agent().ackTimeout());
        try {
            io.shadow.cli.runtime.MitigationWiring.options(c, ResolvedPaths.of(c), null);
        } catch (IllegalArgumentException e) {
            throw e instanceof ConfigException known ? known : new ConfigException(e.getMessage());
        }
        validateTokens(c.auth().tokens());
        HostTokenTenants.check(c);
        validateRegistry(c.registry());
        FeedFiles.checkPaths(c.intel().feeds());
        validateTaxii(c.intel().taxii());
        duration("intel.max-held", c.intel().maxHeld());
        check(c.intel().minPrefixIpv4() >= 0 && c.intel().minPrefixIpv4() <= 32, "intel.min-prefix-ipv4",
                c.intel().minPrefixIpv4(), "a prefix length 0-32 (default 8: a range wider than a /8 is no threat "
                        + "indicator)");
        check(c.intel().minPrefixIpv6() >= 0 && c.intel().minPrefixIpv6() <= 128, "intel.min-prefix-ipv6",
                c.intel().minPrefixIpv6(), "a prefix length 0-128 (default 32)");
        if (!c.profiles().isBlank()) {
            check(Files.isReadable(Path.of(c.profiles())), "profiles", c.profiles(), "a readable YAML file");
        }
        try {
            c.detector().toDetectorConfig();
            Path checkpoints = c.scorer().toSettings(Path.of(c.dataDir())).checkpointDir();
            if (checkpoints != null) {
                ConfigFolders.checkPlace("scorer.checkpoint-dir", checkpoints);
            }
        } catch (IllegalArgumentException e) {
            throw e instanceof ConfigException known ? known : new ConfigException(e.getMessage());
        }
    }

    private static void validateTokens(List<ShadowConfig.Token> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            check(tokens.get(i).name() != null && !tokens.get(i).name().isBlank(), "auth.tokens[" + i + "].name",
                    "(empty)", "a name for the token (messages, decisions and the audit log name a caller by it)");
        }
        for (ShadowConfig.Token t : tokens) {
            check(t.token() != null && t.token().length() >= 16, "auth.tokens[" + t.name() + "].token", "(hidden)",
                    "a random string of at least 16 characters");
            String unusable = io.shadow.mitigation.api.Tokens.unusable(t.token());
            check(unusable == null, "auth.tokens[" + t.name() + "].token", "(hidden)", "a token of printable ASCII "
                    + "without white space at either end (it " + unusable + "; e.g. openssl rand -hex 24)");
            io.shadow.mitigation.api.Role role;
            try {
                role = io.shadow.mitigation.api.Role.fromWire(t.role() == null ? "" : t.role());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("auth.tokens[" + t.name() + "].role: " + e.getMessage());
            }
            check(role != io.shadow.mitigation.api.Role.USER || (t.principal() != null && !t.principal().isBlank()),
                    "auth.tokens[" + t.name() + "].principal", "(empty)", "the principal this user token speaks for "
                            + "(a user sees and decides only that principal's incidents)");
            // a user token without a tenant once spoke for a principal of that name in every tenant
            check(role != io.shadow.mitigation.api.Role.USER || (t.tenant() != null && !t.tenant().isBlank()),
                    "auth.tokens[" + t.name() + "].tenant", "(empty)", "the tenant of the principal this user token "
                            + "speaks for, exactly as its events name it (case-sensitive), e.g. {name: " + t.name()
                            + ", role: user, tenant: acme, principal: " + t.principal() + "}: principals of different "
                            + "tenants may share a name, and a user sees and decides only their own principal's "
                            + "incidents in their own tenant");
            check(io.shadow.mitigation.api.Caller.confinable(role) || t.tenant() == null, "auth.tokens[" + t.name()
                    + "].tenant", t.tenant(), "no tenant: only user, agent and gateway tokens name one (role "
                            + t.role() + " is not confined to one tenant); remove the key");
            check(role == io.shadow.mitigation.api.Role.USER || t.tenant() == null
                    || (!t.tenant().isBlank() && t.tenant().equals(t.tenant().strip())),
                    "auth.tokens[" + t.name() + "].tenant", "'" + t.tenant() + "'", "the tenant this "
                            + role.name().toLowerCase(java.util.Locale.ROOT) + " token is confined to, exactly as its events name it (no surrounding "
                            + "white space), or no tenant key");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ShadowConfig.Token t : tokens) {
            // decisions, Idempotency-Keys and the audit log record a caller by its token's name
            check(names.add(t.name()), "auth.tokens[" + t.name() + "].name", t.name(), "a name no other token has "
                    + "(decisions, Idempotency-Keys and the audit log record a caller by its token's name)");
        }
        // the API finds a caller by its token: a shared value would silently speak as whichever entry came last
        Map<String, ShadowConfig.Token> byValue = new java.util.HashMap<>();
        for (ShadowConfig.Token t : tokens) {
            ShadowConfig.Token same = byValue.putIfAbsent(t.token(), t);
            if (same != null) {
                throw new ConfigException("invalid auth.tokens[" + t.name() + "].token = (hidden); expected a token no "
                        + "other entry has, but auth.tokens[" + same.name() + "] has the same one: that one secret "
                        + "would speak as " + same.name() + " (" + same.role() + ") and " + t.name() + " (" + t.role()
                        + "). Give each entry its own random token (at least 16 characters)");
            }
        }
    }

    private static void validateRegistry(ShadowConfig.Registry r) {
        String uri = r.uri().trim();
        String shown = io.shadow.model.registry.ModelRegistries.shown(uri);
        check(uri.isEmpty() || !uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || uri.startsWith("http://")
                || uri.startsWith("https://") || uri.startsWith("file:"), "registry.uri", shown,
                "empty (<data-dir>/registry), a directory, file:///dir, or http(s)://host:port of an MLflow server");
        boolean mlflow = uri.startsWith("http://") || uri.startsWith("https://");
        check(mlflow || (r.username().isBlank() && r.token().isBlank()), "registry.uri", uri.isEmpty() ? "(empty)"
                : shown, "http(s)://host:port of an MLflow server when registry.username or registry.token is set "
                        + "(a local registry takes no credentials)");
        check(r.username().isBlank() || r.token().isBlank(), "registry.token", "(hidden)",
                "empty when registry.username is set (Basic auth or a Bearer token, not both)");
        check(r.password().isBlank() || !r.username().isBlank(), "registry.username", "(empty)",
                "set when registry.password is");
        check(shown.equals(uri) || (r.username().isBlank() && r.token().isBlank()), "registry.uri", shown,
                "no user:password when registry.username or registry.token is set (give the credentials in one "
                        + "place; the environment keeps them off the command line and out of files)");
    }

    private static void validateTaxii(ShadowConfig.Taxii t) {
        if (t.url().isBlank()) {
            check(t.collections().isEmpty() && t.user().isBlank() && t.token().isBlank(), "intel.taxii.url", "(empty)",
                    "a TAXII discovery URL when intel.taxii.collections, user or token are set");
            return;
        }
        java.net.URI u;
        try {
            u = java.net.URI.create(t.url().strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("intel.taxii.url: '" + t.url() + "' is not a URL (" + e.getMessage()
                    + "); expected e.g. https://taxii.example.org/taxii2/");
        }
        check("https".equals(u.getScheme()) || "http".equals(u.getScheme()), "intel.taxii.url", t.url(),
                "an http(s) URL of the TAXII discovery endpoint, e.g. https://taxii.example.org/taxii2/");
        check(t.user().isBlank() || t.token().isBlank(), "intel.taxii.token", "(hidden)",
                "empty when intel.taxii.user is set (basic auth or a bearer token, not both)");
        check(t.password().isBlank() || !t.user().isBlank(), "intel.taxii.user", "(empty)",
                "set when intel.taxii.password is");
    }

    public static Duration duration(String key, String value) {
        return YamlConfig.duration(key, value);
    }

    /** An ISO-8601 duration where {@code PT0S} means "off". */
    public static Duration durationOrZero(String key, String value) {
        return "PT0S".equals(value) || "0".equals(value) ? Duration.ZERO : YamlConfig.duration(key, value);
    }

    private static void check(boolean ok, String key, Object value, String expected) {
        ConfigException.check(ok, key, value, expected);
    }
}
