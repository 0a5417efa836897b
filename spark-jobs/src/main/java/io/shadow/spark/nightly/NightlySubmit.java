package io.shadow.spark.nightly;

import io.shadow.features.json.TransferLimit;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.NetworkScope;
import io.shadow.model.intel.taxii.TaxiiSettings;
import io.shadow.model.registry.ModelRegistries;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.SparkSessions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Main class of the shaded jar: the same {@link NightlyPipeline} as {@code bin/shadow nightly},
 * started by {@code spark-submit}, which supplies the master and the Spark, Scala and Hadoop jars.
 *
 * <pre>
 * spark-submit --master spark://host:7077 --class io.shadow.spark.nightly.NightlySubmit \
 *   shadow-spark-jobs-VERSION-shaded.jar --warehouse hdfs://nn:8020/shadow/warehouse \
 *   --registry /srv/shadow/registry [--date 2026-11-24] [--from-step STEP | --restart] \
 *   [--threat-feed FILE]... [--taxii-url URL [--taxii-collection ID]...]
 * </pre>
 *
 * Exit codes: 0 done (also with warnings, so a scheduler's retries do not re-run a finished date:
 * {@code report.json} says {@code succeeded-with-warnings}), 1 a step failed (re-run the same command
 * to resume), 2 bad arguments.
 */
public final class NightlySubmit {
    static final String USAGE = """
            usage: spark-submit [spark options] --class io.shadow.spark.nightly.NightlySubmit SHADED_JAR \\
                     --warehouse URI [options]
              --warehouse URI          warehouse root (file:///..., hdfs://..., s3a://...); required
              --registry DIR|URI       model registry: a directory on the driver or an MLflow server's
                                       http(s):// URI (default: 'registry' beside a file:// warehouse)
              --landing URI            landing zone event files (default: <warehouse>/landing/events)
              --store-jdbc-url URL     mitigation store for the feedback import (default: no feedback import)
              --store-user USER        the store's password from the environment: SHADOW_STORE_PASSWORD
                                       (--store-password PASSWORD still works, but every local user
                                       sees it in ps and schedulers log it)
              --threat-feed FILE       blocklist file, repeatable
              --taxii-url URL          TAXII 2.1 discovery endpoint to sync (default: none)
              --taxii-collection ID    collection id or title, repeatable (default: every readable one)
                                       credentials from the environment: SHADOW_INTEL_TAXII_TOKEN, or
                                       SHADOW_INTEL_TAXII_USER and SHADOW_INTEL_TAXII_PASSWORD
              --intel-max-held DURATION  how long a feed refused (or read short) at every sync keeps
                                       what it listed active (ISO-8601, default P7D; intel.max-held)
              --intel-min-prefix-ipv4 N, --intel-min-prefix-ipv6 N  the widest IP ranges loaded as
                                       threat indicators (defaults 8 and 32; intel.min-prefix-ipv4/-ipv6)
              --review-window DURATION   how long a medium- or high-band incident nobody reviewed is
                                       kept out of what the run learns (ISO-8601, default P30D;
                                       mitigation.review-window)
              --date YYYY-MM-DD        event date to process (UTC; default: yesterday)
              --from-step STEP         start at this step whatever the run state says
              --restart                ignore the run state and run every step
              --shuffle-partitions N   default: spark.sql.shuffle.partitions from spark-submit, else 8
              --max-transfer-bytes N   quarantine events reporting more in bytes_in or bytes_out
                                       (default 1099511627776, 1 TiB; the scorer's scorer.max-transfer-bytes)
              --default-tenant ID      the tenant of events that name none (the scorer's
                                       scorer.default-tenant; default: such events are quarantined)
            """;
    private static final List<String> VALUED = List.of("--warehouse", "--registry", "--landing", "--store-jdbc-url",
            "--store-user", "--store-password", "--threat-feed", "--taxii-url", "--taxii-collection", "--date", "--from-step",
            "--shuffle-partitions", "--max-transfer-bytes", "--default-tenant", "--intel-max-held",
            "--review-window", "--intel-min-prefix-ipv4", "--intel-min-prefix-ipv6");

    private NightlySubmit() {
    }

    public static void main(String[] args) {
        Map<String, List<String>> opts;
        NightlyConfig cfg;
        RunRequest request;
        int partitions;
        try {
            opts = parse(args);
            cfg = config(opts, System.getenv());
            Clock clock = Clock.systemUTC();
            request = new RunRequest(one(opts, "--date") == null ? RunScope.yesterdayUtc(clock)
                    : RunScope.parse(one(opts, "--date"), LocalDate.now(clock)), one(opts, "--from-step"),
                    opts.containsKey("--restart"));
            NightlyPipeline.check(cfg, request);
            partitions = partitions(opts);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        // under spark-submit the master comes from --master; run directly, the machine's cores
        String master = System.getProperty("spark.master") != null ? null : "local[*]";
        SparkSession spark = SparkSessions.create("shadow-nightly", master, partitions);
        int code = 0;
        try {
            System.out.println("warehouse " + cfg.catalog().root() + ", Spark " + spark.sparkContext().master());
            NightlyPipeline.checkWarehouse(spark, cfg, "--warehouse");
            RunReport report = new NightlyPipeline(spark, cfg, System.out::println).run(request);
            System.out.print(report.table());
        } catch (NightlyRun.StepFailedException e) {
            System.err.println("error: " + e.getMessage());
            code = 1;
        } catch (io.shadow.features.config.ConfigException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--restart")) {
                opts.put(a, List.of());
            } else if (VALUED.contains(a)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                opts.computeIfAbsent(a, k -> new ArrayList<>()).add(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return opts;
    }

    static NightlyConfig config(Map<String, List<String>> opts, Map<String, String> env) {
        String warehouse = one(opts, "--warehouse");
        if (warehouse == null) {
            throw new IllegalArgumentException("--warehouse is required, e.g. --warehouse hdfs://nn:8020/shadow/warehouse");
        }
        TableCatalog catalog = new TableCatalog(URI.create(warehouse));
        String registryUri = one(opts, "--registry");
        Path registryDir = "file".equals(catalog.root().getScheme())
                ? Path.of(catalog.root()).getParent().resolve("registry")
                : Path.of(System.getProperty("java.io.tmpdir"), "shadow-registry");
        if (registryUri == null && !"file".equals(catalog.root().getScheme())) {
            throw new IllegalArgumentException("--registry is required with a " + catalog.root().getScheme()
                    + ":// warehouse: a directory on the driver or an MLflow server's http(s):// URI");
        }
        ModelRegistry registry;
        try {
            registry = ModelRegistries.open(registryUri, registryDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--registry: " + e.getMessage(), e);
        }
        // a feed that cannot be read tonight (a failed download) is refused by the threat-intel step, not here
        for (String f : opts.getOrDefault("--threat-feed", List.of())) {
            if (f.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
                throw new IllegalArgumentException("--threat-feed " + f + " is a URL; expected the path of a feed "
                        + "file on the driver (download the feed to a file and name the file)");
            }
        }
        List<Path> feeds = opts.getOrDefault("--threat-feed", List.of()).stream().map(Path::of).toList();
        // the agents' landing-zone layout: event files under <landing zone>/events
        String landing = one(opts, "--landing") != null ? one(opts, "--landing") : catalog.landingZone() + "events";
        return new NightlyConfig(catalog, landing, one(opts, "--store-jdbc-url"), one(opts, "--store-user"),
                storePassword(opts, env), registry, feeds, taxii(opts, env), DetectorConfig.defaults(),
                ResourceRisk.defaults(), RiskModelTrainer.Settings.defaults(), maxTransferBytes(opts),
                one(opts, "--default-tenant"), positiveDuration(opts, "--intel-max-held", "P7D", "PT36H"),
                positiveDuration(opts, "--review-window", "P30D", "P14D"), networkScope(opts));
    }

    /**
     * The store's password: SHADOW_STORE_PASSWORD (as for bin/shadow), or --store-password, which a
     * command line shows to every local user; given both, they must agree.
     */
    static String storePassword(Map<String, List<String>> opts, Map<String, String> env) {
        String fromEnv = env.get("SHADOW_STORE_PASSWORD");
        String fromArgs = one(opts, "--store-password");
        if (fromEnv != null && !fromEnv.isEmpty() && fromArgs != null && !fromArgs.equals(fromEnv)) {
            throw new IllegalArgumentException("--store-password and SHADOW_STORE_PASSWORD differ; give the password "
                    + "once, in SHADOW_STORE_PASSWORD (a command line is visible to every local user)");
        }
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : fromArgs;
    }

    private static java.time.Duration positiveDuration(Map<String, List<String>> opts, String option,
            String byDefault, String example) {
        String v = one(opts, option);
        if (v == null) {
            return null;
        }
        try {
            java.time.Duration d = java.time.Duration.parse(v);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (java.time.format.DateTimeParseException e) {
            // named below
        }
        throw new IllegalArgumentException(option + " '" + v + "' is not a positive ISO-8601 duration; "
                + "e.g. " + byDefault + " (the default) or " + example);
    }

    /** The TAXII server from {@code --taxii-url}, credentials from the environment (not the process list). */
    static TaxiiSettings taxii(Map<String, List<String>> opts, Map<String, String> env) {
        String url = one(opts, "--taxii-url");
        List<String> collections = opts.getOrDefault("--taxii-collection", List.of());
        if (url == null) {
            if (!collections.isEmpty()) {
                throw new IllegalArgumentException("--taxii-collection needs --taxii-url (the server's discovery "
                        + "endpoint, e.g. https://taxii.example.org/taxii2/)");
            }
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--taxii-url '" + url + "' is not a URI: " + e.getReason(), e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--taxii-url '" + url + "' must be an http(s):// discovery endpoint, "
                    + "e.g. https://taxii.example.org/taxii2/");
        }
        String user = env.get("SHADOW_INTEL_TAXII_USER");
        String token = env.get("SHADOW_INTEL_TAXII_TOKEN");
        if (user != null && !user.isEmpty() && token != null && !token.isEmpty()) {
            throw new IllegalArgumentException("SHADOW_INTEL_TAXII_USER and SHADOW_INTEL_TAXII_TOKEN are both set; "
                    + "the TAXII server takes either basic auth (user and SHADOW_INTEL_TAXII_PASSWORD) or a token");
        }
        return new TaxiiSettings(uri, collections, user, env.get("SHADOW_INTEL_TAXII_PASSWORD"), token);
    }

    private static long maxTransferBytes(Map<String, List<String>> opts) {
        String v = one(opts, "--max-transfer-bytes");
        return v == null ? TransferLimit.DEFAULT_MAX_BYTES : positive("--max-transfer-bytes", v,
                " of bytes (default " + TransferLimit.DEFAULT_MAX_BYTES + ", 1 TiB; the scorer's scorer.max-transfer-bytes)");
    }

    private static NetworkScope networkScope(Map<String, List<String>> opts) {
        return new NetworkScope(prefix(opts, "--intel-min-prefix-ipv4", NetworkScope.DEFAULT_MIN_PREFIX_IPV4, 32),
                prefix(opts, "--intel-min-prefix-ipv6", NetworkScope.DEFAULT_MIN_PREFIX_IPV6, 128));
    }

    private static int prefix(Map<String, List<String>> opts, String option, int byDefault, int bits) {
        String v = one(opts, option);
        if (v == null) {
            return byDefault;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 0 && n <= bits) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(option + " '" + v + "' is not a prefix length 0-" + bits + " (default "
                + byDefault + ")");
    }

    private static int partitions(Map<String, List<String>> opts) {
        String v = one(opts, "--shuffle-partitions");
        if (v == null) {
            v = System.getProperty("spark.sql.shuffle.partitions", "8");
        }
        long n = positive("--shuffle-partitions", v, "");
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--shuffle-partitions '" + v + "' must be a positive whole number");
        }
        return (int) n;
    }

    /** {@code v} as a positive whole number; else an error naming {@code option}, the value and {@code unit}. */
    private static long positive(String option, String v, String unit) {
        try {
            long n = Long.parseLong(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " '" + v + "' must be a positive whole number" + unit);
    }

    private static String one(Map<String, List<String>> opts, String key) {
        List<String> v = opts.get(key);
        if (v == null) {
            return null;
        }
        if (v.size() > 1) {
            throw new IllegalArgumentException(key + " given " + v.size() + " times; give it once");
        }
        return v.get(0);
    }
}
