package io.shadow.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The whole configuration of one Shadow installation, read from YAML (kebab-case keys), then
 * {@code SHADOW_*} environment variables, then {@code --set key=value} flags. Every key has a
 * default (see {@code docs/configuration.md} and {@link ConfigLoader#DEFAULTS}); unknown keys are
 * an error.
 */
public record ShadowConfig(
        String dataDir,
        String warehouse,
        Registry registry,
        Store store,
        Server server,
        Auth auth,
        Detector detector,
        Intel intel,
        String profiles,
        Spark spark,
        Mitigation mitigation,
        Scorer scorer) {

    /**
     * The model registry: {@code uri} empty for a local directory under {@code data-dir} (MLflow's
     * file layout), a directory or {@code file:} URI for one elsewhere, {@code http(s)://host:port}
     * for an MLflow tracking server started with {@code --serve-artifacts}. {@code username} with
     * {@code password} (Basic) or {@code token} (Bearer) authenticate to that server; without them,
     * MLflow's own variables do (see {@link io.shadow.model.registry.MlflowCredentials}).
     */
    public record Registry(String uri, String username, String password, String token) {
        @Override
        public String toString() { // never the secrets
            return "Registry[uri=" + io.shadow.model.registry.ModelRegistries.shown(uri) + ", username=" + username
                    + "]";
        }
    }

    /** The mitigation store. Empty jdbc-url: an H2 file database under data-dir. */
    public record Store(String jdbcUrl, String user, String password) {
    }

    /**
     * Where the HTTP services listen; 0 picks a free port. With {@code tls-key-store} (PKCS12) set,
     * HTTPS only. {@code max-bodies-bytes}: the request bodies held at once (0: an eighth of the heap);
     * {@code max-connections}: connections open at once;
     * {@code body-timeout}: the time a request body may take to arrive; {@code drain-delay}:
     * how long a stopping service answers {@code /ready} with 503 while still serving, for load
     * balancers to notice; {@code shutdown-timeout}: how long it then lets requests in progress finish.
     */
    public record Server(String host, int port, long maxRequestBytes, long maxBodiesBytes, int maxConnections,
            String bodyTimeout,
            String drainDelay,
            String shutdownTimeout, String tlsKeyStore, String tlsPassword) {
    }

    /** Bearer tokens; an empty list in {@code serve} is refused (every API needs a token). */
    public record Auth(List<Token> tokens) {
    }

    /**
     * One token: who it is, its role, and for users the principal it speaks for and that principal's
     * tenant (principals of different tenants may share a name); for agents {@code principal} binds
     * the token to a host.
     */
    public record Token(String name, String token, String role, String principal, String tenant) {
    }

    /** See {@code io.shadow.model.detect.DetectorConfig}. */
    public record Detector(double threshold, double hourPrior, double populationPrior, double realertFactor,
            long quietSeconds, double sustainedAllowance, long noveltyHalfLifeSeconds) {
        public io.shadow.model.detect.DetectorConfig toDetectorConfig() {
            return new io.shadow.model.detect.DetectorConfig(threshold, hourPrior, populationPrior, realertFactor,
                    quietSeconds, sustainedAllowance, noveltyHalfLifeSeconds);
        }
    }

    /**
     * Threat-intelligence feeds, synced nightly into the {@code threat_indicators} table.
     *
     * @param feeds files: STIX 2.1 bundles, abuse.ch-style CSV, or plain lists (IP, CIDR, URL or domain a line)
     * @param maxHeld ISO-8601 duration a list refused (or read short) at every sync keeps what it listed active
     * @param minPrefixIpv4 the shortest IPv4 prefix loaded as an indicator (wider ranges are skipped)
     * @param minPrefixIpv6 the shortest IPv6 prefix loaded as an indicator
     */
    public record Intel(List<String> feeds, Taxii taxii, String maxHeld, int minPrefixIpv4, int minPrefixIpv6) {
        /** Which network indicators are loaded: these prefixes, never private or reserved space. */
        public io.shadow.model.intel.NetworkScope networkScope() {
            return new io.shadow.model.intel.NetworkScope(minPrefixIpv4, minPrefixIpv6);
        }

        /** The TAXII server to sync, or null when {@code intel.taxii.url} is empty. */
        public io.shadow.model.intel.taxii.TaxiiSettings taxiiSettings() {
            if (taxii == null || taxii.url().isBlank()) {
                return null;
            }
            return new io.shadow.model.intel.taxii.TaxiiSettings(java.net.URI.create(taxii.url().strip()),
                    taxii.collections(), taxii.user(), taxii.password(), taxii.token());
        }
    }

    /**
     * A TAXII 2.1 server.
     *
     * @param url discovery endpoint, e.g. {@code https://taxii.example.org/taxii2/}; empty: no TAXII
     * @param collections ids or titles; empty: every readable collection
     */
    public record Taxii(String url, List<String> collections, String user, String password, String token) {
    }

    /** Spark master and shuffle width for nightly jobs. */
    public record Spark(String master, int shufflePartitions) {
    }

    /**
     * @param incidentWindow ISO-8601 duration: anomalies of an entity this close to its open incident join it
     * @param expirySweep ISO-8601 duration between sweeps that undo expired actions
     * @param storeSync ISO-8601 duration between syncs of gateway rules and profiles with the store (PT0S: off)
     * @param maxHeld assessments the scorer holds in memory while the mitigation store is unavailable
     * @param heldRetry ISO-8601 duration between attempts to hand held assessments over
     * @param reviewWindow ISO-8601 duration a medium- or high-band incident nobody has reviewed is kept out of
     *     what the nightly run learns (baselines, novelty profiles, training labels), from when it opened
     */
    public record Mitigation(String incidentWindow, String expirySweep, String storeSync, int maxHeld, String heldRetry,
            String reviewWindow, Emergency emergency, @JsonProperty("protected") Protected protectedTargets,
            Gateway gateway, Agent agent, Encryption encryption, Rollback rollback, Channels channels) {
    }

    /**
     * What Shadow never acts on by itself: an action aimed at one is skipped and the security team told.
     *
     * @param principals accounts (a break-glass administrator), compared as the gateway compares principals
     * @param hosts hosts (domain controllers, the bastion): no isolation, no process suspended or killed
     * @param resources resource ids, each with everything under it: no shutdown, encryption or rollback
     */
    public record Protected(List<String> principals, List<String> hosts, List<String> resources) {
    }

    /**
     * The emergency path's budget per tenant: beyond {@code limit} emergency mitigations within {@code window},
     * high-band anomalies are contained at medium and the security team is told.
     *
     * @param limit at most this many emergency mitigations per tenant in a window; 0 turns the path off
     * @param window ISO-8601 duration the limit counts over (this process's clock)
     */
    public record Emergency(int limit, String window) {
    }

    /**
     * How long host agents may leave a command unconfirmed before the security operators are told.
     *
     * @param fetchTimeout ISO-8601 duration a command may wait for its agent to fetch it
     * @param ackTimeout ISO-8601 duration a fetched command may wait for its agent's acknowledgement
     */
    public record Agent(String fetchTimeout, String ackTimeout) {
    }

    /**
     * How the gateway decision endpoint matches requests to rules.
     *
     * @param principalCase {@code exact} (default) or {@code ignore}: whether a rule on {@code alice} also
     *     decides for {@code ALICE}, for identity stores that accept a login in any case
     */
    public record Gateway(String principalCase) {
    }

    /** encrypt_data: the master key's directory (empty: data-dir/keys) and the only roots it may encrypt under. */
    public record Encryption(String keyDir, List<String> roots) {
    }

    /** rollback_table: the Delta tables it may restore (pinned every pin-interval). */
    public record Rollback(List<String> tables, String pinInterval) {
    }

    /** Signed webhooks and e-mail, with the outbox's retries. */
    public record Channels(List<WebhookEntry> webhooks, Delivery delivery, Smtp smtp) {
    }

    /** One webhook receiver; uses: actions and/or notifications (empty: both). */
    public record WebhookEntry(String name, String url, String secret, List<String> uses) {
    }

    /** Attempts per message, first backoff (doubling), its cap, and the timeout of one attempt. */
    public record Delivery(int attempts, String backoff, String maxBackoff, String timeout) {
    }

    /** SMTP server; empty host: no e-mail. {@code domains}: {@code tenant=domain} entries, one per tenant. */
    public record Smtp(String host, int port, String from, String username, String password, boolean starttls,
            String domain, List<String> domains, List<String> operators) {
    }

    /**
     * Serving knobs of the online scorer (see {@code io.shadow.scorer.ScorerSettings}): scoring threads
     * ({@code shards}, 0 for one per core), admission
     * ({@code max-in-flight}, {@code max-queued}, {@code queue-timeout}, {@code retry-after-seconds}),
     * memory bound ({@code max-entities}), state checkpoints ({@code checkpoint-dir}: empty for
     * {@code <data-dir>/scorer}, {@code none} for no checkpoints; {@code checkpoint-interval}) and
     * hot reload ({@code reload-interval}; {@code model.poll} for the champion alias alone) and intake
     * ({@code max-future-skew}: how far ahead of the scorer's clock an event may be; {@code default-tenant}:
     * the tenant of events without one, empty to require it; {@code max-transfer-bytes}: the most bytes
     * an event may report in {@code bytes_in} or {@code bytes_out}; {@code dedupe-window}: how many recent
     * event ids are remembered so that a repeated one is not scored again, 0 for none). Durations are
     * ISO-8601; {@code PT0S} turns the periodic task off.
     */
    public record Scorer(int shards, int maxInFlight, int maxQueued, String queueTimeout, int retryAfterSeconds, int maxEntities,
            String checkpointDir, String checkpointInterval, String reloadInterval, Model model, String maxFutureSkew,
            String defaultTenant, long maxTransferBytes, int dedupeWindow) {
        public io.shadow.scorer.ScorerSettings toSettings(java.nio.file.Path dataDir) {
            java.nio.file.Path dir = checkpointDir.isBlank() ? dataDir.resolve("scorer")
                    : checkpointDir.equals("none") ? null : java.nio.file.Path.of(checkpointDir);
            return new io.shadow.scorer.ScorerSettings(shards, maxInFlight, maxQueued,
                    ConfigLoader.durationOrZero("scorer.queue-timeout", queueTimeout), retryAfterSeconds, maxEntities, dir,
                    ConfigLoader.durationOrZero("scorer.checkpoint-interval", checkpointInterval),
                    ConfigLoader.durationOrZero("scorer.reload-interval", reloadInterval),
                    ConfigLoader.durationOrZero("scorer.model.poll", model.poll()),
                    ConfigLoader.duration("scorer.max-future-skew", maxFutureSkew), defaultTenant, maxTransferBytes,
                    dedupeWindow);
        }
    }

    /** @param poll ISO-8601 time between looks at the registry's champion alias; {@code PT0S}: only at reloads */
    public record Model(String poll) {
    }
}
