package io.shadow.agents;

import io.shadow.features.config.ConfigException;
import io.shadow.features.config.YamlConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An agent's configuration ({@code bin/shadow agent --config FILE}); every key with its default is
 * in {@link #DEFAULTS}, environment variables are {@code SHADOW_AGENT_<KEY>}.
 */
public record AgentConfig(String agentId, String tenant, String host, Spool spool, Landing landing, Scorer scorer,
        Intake intake, Sources sources, Actions actions, Health health) {

    /** The durable spool. */
    public record Spool(String dir, long segmentBytes, long maxBytes) {
    }

    /** Shipping to the landing zone; empty uri = off. */
    public record Landing(String uri, int batchRecords, String interval) {
    }

    /** Live batches to the scorer; empty url = off. */
    public record Scorer(String url, String token, int batchRecords, String trustStore, String trustStorePassword) {
    }

    /**
     * The HTTP intake applications report to; port -1 = off, 0 = any free port; events reporting more
     * than {@code max-transfer-bytes} in {@code bytes_in} or {@code bytes_out} are refused (keep it at
     * the scorer's {@code scorer.max-transfer-bytes}: above it the scorer refuses and ingest quarantines).
     */
    public record Intake(String host, int port, String token, long maxRequestBytes, long maxTransferBytes,
            String maxFutureSkew) {
    }

    /**
     * Capture sources. A line of a tailed log longer than {@code max-line-bytes}, and a CloudTrail file
     * larger than {@code max-file-bytes} (stored or unpacked), is skipped and shipped as a rejection
     * naming it; CloudTrail files modified within {@code cloudtrail-settle} wait for a later poll.
     */
    public record Sources(String pollInterval, long maxLineBytes, long maxFileBytes, String cloudtrailSettle,
            HostMetrics hostMetrics, Processes processes,
            List<String> cloudtrailDirs, List<String> cloudtrailLogs, List<String> k8sAuditLogs) {
    }

    /**
     * What {@code GET /health} calls degraded: a consumer (landing zone, scorer) that has failed to
     * ship for longer than {@code max-ship-lag}.
     */
    public record Health(String maxShipLag) {
    }

    /** OSHI host and per-process samples. */
    public record HostMetrics(boolean enabled, String interval, int topProcesses) {
    }

    /**
     * Executing Shadow's commands for this host: url and token default to the scorer's (one server
     * serves both); isolation {@code nftables} or {@code off}; {@code netns} puts the isolation rules
     * into a network namespace; {@code allow} lists extra addresses that stay reachable when isolated.
     */
    public record Actions(boolean enabled, String url, String token, String pollInterval, String isolation,
            String nft, String netns, List<String> allow) {
        public String effectiveUrl(Scorer s) {
            return url.isBlank() ? s.url() : url;
        }

        public String effectiveToken(Scorer s) {
            return token.isBlank() ? s.token() : token;
        }
    }

    /** Process starts and exits. */
    public record Processes(boolean enabled) {
    }

    public static final String DEFAULTS = """
            agent-id: ""
            tenant: default
            host: ""
            spool:
              dir: .shadow/agent/spool
              segment-bytes: 67108864
              max-bytes: 4294967296
            landing:
              uri: ""
              batch-records: 5000
              interval: PT5S
            scorer:
              url: ""
              token: ""
              batch-records: 500
              trust-store: ""
              trust-store-password: ""
            intake:
              host: 127.0.0.1
              port: -1
              token: ""
              max-request-bytes: 10485760
              max-transfer-bytes: 1099511627776
              max-future-skew: PT5M
            sources:
              poll-interval: PT1S
              max-line-bytes: 1048576
              max-file-bytes: 67108864
              cloudtrail-settle: PT5S
              host-metrics:
                enabled: true
                interval: PT15S
                top-processes: 5
              processes:
                enabled: true
              cloudtrail-dirs: []
              cloudtrail-logs: []
              k8s-audit-logs: []
            actions:
              enabled: false
              url: ""
              token: ""
              poll-interval: PT2S
              isolation: "off"
              nft: nft
              netns: ""
              allow: []
            health:
              max-ship-lag: PT5M
            """;

    /** The largest request body the intake can hold: one Java array. */
    static final long MAX_REQUEST_BYTES = Integer.MAX_VALUE - 8;

    /** file:, or a scheme a Hadoop FileSystem on the class path serves (hdfs:, …); loads Hadoop only for those. */
    private static boolean landingSchemeSupported(String scheme) {
        if (scheme.equalsIgnoreCase("file")) {
            return true;
        }
        try {
            org.apache.hadoop.fs.FileSystem.getFileSystemClass(scheme, new org.apache.hadoop.conf.Configuration());
            return true;
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The largest sources.max-line-bytes: a line up to it is held in memory (the agent's heap is small). */
    static final long MAX_LINE_BYTES_LIMIT = 256L << 20;

    public static AgentConfig load(Path file, Map<String, String> env, List<String> sets) {
        checkEnvironment(env);
        return YamlConfig.load(AgentConfig.class, DEFAULTS, file, env, "SHADOW_AGENT", sets, AgentConfig::validate);
    }

    /**
     * A variable {@code SHADOW_AGENT_…} that overrides no key is refused naming the closest one: a
     * misspelt name (SHADOW_AGENT_SPOOL_DIRR) would otherwise be ignored without a word, as an unknown
     * key in the file is not. (The server reads {@code SHADOW_…} and ignores {@code SHADOW_AGENT_…}.)
     */
    static void checkEnvironment(Map<String, String> env) {
        List<YamlConfig.StrayVariable> stray = YamlConfig.strayVariables(env, "SHADOW_AGENT", DEFAULTS, List.of());
        if (!stray.isEmpty()) {
            YamlConfig.StrayVariable v = stray.get(0);
            throw new ConfigException("environment variable " + v.variable() + " is not a setting of the agent"
                    + (v.closestKey() == null ? "" : "; did you mean " + YamlConfig.envName("SHADOW_AGENT",
                            v.closestKey()) + " (" + v.closestKey() + ")?") + " Every SHADOW_AGENT_<KEY> variable must "
                    + "name a key of docs/agent.md; unset it or fix its name");
        }
    }

    /** sources.cloudtrail-settle: 0 (read at once) or a positive duration. */
    public Duration cloudtrailSettle() {
        try {
            Duration d = Duration.parse(sources.cloudtrailSettle());
            ConfigException.check(!d.isNegative(), "sources.cloudtrail-settle", sources.cloudtrailSettle(),
                    "PT0S (read files at once) or a positive ISO-8601 duration like PT5S");
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw ConfigException.invalid("sources.cloudtrail-settle", sources.cloudtrailSettle(),
                    "an ISO-8601 duration like PT5S");
        }
    }

    private void validate() {
        ConfigException.check(spool.segmentBytes() >= 1024, "spool.segment-bytes", spool.segmentBytes(),
                "at least 1024");
        ConfigException.check(spool.maxBytes() >= spool.segmentBytes(), "spool.max-bytes", spool.maxBytes(),
                "at least spool.segment-bytes (" + spool.segmentBytes() + ")");
        // a batch of 0 records ships nothing, ever: the spool would fill while the agent looks healthy
        ConfigException.check(landing.batchRecords() >= 1, "landing.batch-records", landing.batchRecords(),
                "at least 1");
        ConfigException.check(scorer.batchRecords() >= 1, "scorer.batch-records", scorer.batchRecords(), "at least 1");
        ConfigException.check(intake.maxRequestBytes() >= 1 && intake.maxRequestBytes() <= MAX_REQUEST_BYTES,
                "intake.max-request-bytes", intake.maxRequestBytes(),
                "from 1 to " + MAX_REQUEST_BYTES + " (a request body is held in memory)");
        ConfigException.check(sources.hostMetrics().topProcesses() >= 0, "sources.host-metrics.top-processes",
                sources.hostMetrics().topProcesses(), "0 (host figures only) or more");
        ConfigException.check(!landing.uri().isBlank() || !scorer.url().isBlank(), "landing.uri", "(empty)",
                "a landing zone (file:///… or hdfs://…) or a scorer.url: the agent must ship somewhere");
        if (!landing.uri().isBlank()) {
            URI uri;
            try {
                uri = URI.create(landing.uri());
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid("landing.uri", landing.uri(), "a URI such as "
                        + "file:///var/lib/shadow/landing (" + e.getMessage() + ")");
            }
            ConfigException.check(uri.getScheme() != null, "landing.uri", landing.uri(),
                    "a URI with a scheme, e.g. file:///var/lib/shadow/landing or hdfs://namenode:8020/shadow/landing");
            ConfigException.check(landingSchemeSupported(uri.getScheme()), "landing.uri", landing.uri(),
                    "a file:// or hdfs:// URI (no Hadoop file system for '" + uri.getScheme() + "' is on the "
                            + "agent's class path; land on HDFS or a local folder another job copies)");
            YamlConfig.duration("landing.interval", landing.interval());
        }
        ConfigException.check(intake.port() >= -1 && intake.port() <= 65_535, "intake.port", intake.port(),
                "-1 (off), 0 (any free port) or a port from 1 to 65535");
        if (!scorer.url().isBlank()) {
            ConfigException.check(scorer.url().startsWith("http://") || scorer.url().startsWith("https://"),
                    "scorer.url", scorer.url(), "an http:// or https:// URL");
            ConfigException.check(!scorer.token().isBlank(), "scorer.token", "(empty)",
                    "the agent-role token the scorer issued");
            if (!scorer.trustStore().isBlank()) {
                ConfigException.check(Files.isReadable(Path.of(scorer.trustStore())), "scorer.trust-store",
                        scorer.trustStore(), "a readable PKCS12 file or PEM file of the scorer's CA certificate(s)");
            }
        }
        if (intake.port() >= 0) {
            ConfigException.check(intake.token().length() >= 16, "intake.token", "(hidden)",
                    "a random token of at least 16 characters when the intake is on");
        }
        ConfigException.check(intake.maxTransferBytes() >= 1, "intake.max-transfer-bytes", intake.maxTransferBytes(),
                "a positive number of bytes (default 1099511627776, 1 TiB: the scorer's scorer.max-transfer-bytes)");
        YamlConfig.duration("sources.poll-interval", sources.pollInterval());
        if (actions.enabled()) {
            String url = actions.effectiveUrl(scorer);
            ConfigException.check(url.startsWith("http://") || url.startsWith("https://"), "actions.url", url,
                    "the Shadow API's http:// or https:// URL (or set scorer.url)");
            ConfigException.check(!actions.effectiveToken(scorer).isBlank(), "actions.token", "(empty)",
                    "an agent-role token of the Shadow API (or set scorer.token)");
            YamlConfig.duration("actions.poll-interval", actions.pollInterval());
            ConfigException.check(actions.isolation().equals("off") || actions.isolation().equals("nftables"),
                    "actions.isolation", actions.isolation(), "off or nftables");
        }
        YamlConfig.duration("sources.host-metrics.interval", sources.hostMetrics().interval());
        for (String d : sources.cloudtrailDirs()) {
            ConfigException.check(Files.isDirectory(Path.of(d)), "sources.cloudtrail-dirs", d, "an existing directory");
        }
        // a log file may appear later (the API server creates it), but in a directory that does not exist it
        // never will: a typo there would capture nothing, silently, forever
        for (String f : sources.k8sAuditLogs()) {
            logDirectoryExists("sources.k8s-audit-logs", f);
        }
        for (String f : sources.cloudtrailLogs()) {
            logDirectoryExists("sources.cloudtrail-logs", f);
        }
        ConfigException.check(sources.maxLineBytes() >= 1024 && sources.maxLineBytes() <= MAX_LINE_BYTES_LIMIT,
                "sources.max-line-bytes", sources.maxLineBytes(), "from 1024 to " + MAX_LINE_BYTES_LIMIT + " bytes "
                        + "(default 1048576: a line up to it is held in memory)");
        ConfigException.check(sources.maxFileBytes() >= 1, "sources.max-file-bytes", sources.maxFileBytes(),
                "a positive number of bytes (default 67108864, 64 MiB)");
        cloudtrailSettle();
        YamlConfig.duration("health.max-ship-lag", health.maxShipLag());
        Duration skew = YamlConfig.duration("intake.max-future-skew", intake.maxFutureSkew());
        ConfigException.check(skew.compareTo(Duration.ofDays(1)) <= 0, "intake.max-future-skew",
                intake.maxFutureSkew(), "PT1S to P1D (default PT5M, the scorer's scorer.max-future-skew)");
    }

    private static void logDirectoryExists(String key, String file) {
        Path parent = Path.of(file).toAbsolutePath().getParent();
        ConfigException.check(parent != null && Files.isDirectory(parent), key, file, "a log file in an existing "
                + "directory (the file may appear later, but directory " + parent + " does not exist)");
    }
}
