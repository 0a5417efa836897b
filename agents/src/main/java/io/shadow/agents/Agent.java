package io.shadow.agents;

import io.shadow.agents.act.CommandExecutor;
import io.shadow.agents.act.CommandJournal;
import io.shadow.agents.act.HostIsolation;
import io.shadow.agents.act.ProcessControl;
import io.shadow.agents.capture.DropDirectorySource;
import io.shadow.agents.capture.HostMetricsSource;
import io.shadow.agents.capture.LogFileSource;
import io.shadow.agents.capture.ProcessSource;
import io.shadow.agents.capture.Source;
import io.shadow.agents.intake.AgentIntake;
import io.shadow.agents.ship.Backoff;
import io.shadow.agents.ship.LandingZoneShipper;
import io.shadow.agents.ship.ScorerShipper;
import io.shadow.agents.ship.ShipStatus;
import io.shadow.agents.ship.TlsTrust;
import io.shadow.agents.spool.Spool;
import io.shadow.agents.spool.SpoolFullException;
import io.shadow.features.config.YamlConfig;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Shadow agent: capture sources and the HTTP intake append to the durable spool; one loop ships
 * the spool to the landing zone, another sends live batches to the scorer. Every loop survives
 * outages (retry with backoff) and a restart resumes from the spool's cursors. A source that fails
 * (whatever it throws) is logged and retried at the next poll without holding up the others; the
 * intake's {@code GET /health} reports failing sources, shipping lag per consumer and a loop thread
 * that stopped (see {@link AgentHealth}).
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    /** How long scorer shipping waits after an error it cannot retry on its own (a refused token). */
    private static final Duration SCORER_PAUSE = Duration.ofSeconds(30);

    private final AgentConfig cfg;
    private final Spool spool;
    private final List<Source> sources = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong landed = new AtomicLong();
    private final AtomicLong scored = new AtomicLong();
    /** Each source's last failure (absent while it polls fine). */
    final java.util.Map<String, String> failingSources = new java.util.concurrent.ConcurrentHashMap<>();
    /** Loop threads that stopped on an error they did not survive: name -> why. */
    final java.util.Map<String, String> stoppedThreads = new java.util.concurrent.ConcurrentHashMap<>();
    private final ShipStatus landingStatus = new ShipStatus(LandingZoneShipper.CONSUMER, Clock.systemUTC());
    private final ShipStatus scorerStatus = new ShipStatus(ScorerShipper.CONSUMER, Clock.systemUTC());
    /** How fetching Shadow's commands goes (its "shipped" is the last poll answered). */
    private final ShipStatus commandsStatus = new ShipStatus("commands", Clock.systemUTC());
    private LandingZoneShipper landing;
    private ScorerShipper scorer;
    private AgentIntake intake;
    private CommandExecutor executor;

    public Agent(AgentConfig cfg) {
        this.cfg = cfg;
        String host = cfg.host().isBlank() ? hostname() : cfg.host();
        String agentId = cfg.agentId().isBlank() ? host.replaceAll("[^A-Za-z0-9._-]", "-") : cfg.agentId();
        this.spool = Spool.open(Path.of(cfg.spool().dir()), cfg.spool().segmentBytes(), cfg.spool().maxBytes());
        Path state = Path.of(cfg.spool().dir()).resolve("sources");
        if (!cfg.landing().uri().isBlank()) {
            landing = new LandingZoneShipper(spool, cfg.landing().uri(), agentId, cfg.landing().batchRecords());
        }
        if (!cfg.scorer().url().isBlank()) {
            HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            if (!cfg.scorer().trustStore().isBlank()) {
                http.sslContext(TlsTrust.fromTrustStore(Path.of(cfg.scorer().trustStore()),
                        cfg.scorer().trustStorePassword().toCharArray()));
            }
            scorer = new ScorerShipper(spool, URI.create(cfg.scorer().url()), cfg.scorer().token(),
                    cfg.scorer().batchRecords(), http.build());
        }
        for (Path stale : spool.unregisteredCursors()) {
            LOG.warn("spool cursor {} belongs to a consumer this configuration does not ship to (landing.uri, "
                    + "scorer.url); it is ignored and holds no spooled data back. Delete it if that consumer is gone "
                    + "for good", stale);
        }
        // what only such a consumer still held is released now, not at the next shipped batch
        spool.trim(spool.consumers());
        // every source stamps the agent's tenant; with none configured (tenant: ""), CloudTrail records
        // take their account (recipientAccountId) and the others EventCodec's default
        String tenant = cfg.tenant().isBlank() ? EventCodec.DEFAULT_TENANT : cfg.tenant();
        String cloudTrailTenant = cfg.tenant().isBlank() ? null : cfg.tenant();
        var s = cfg.sources();
        if (cfg.tenant().equals(EventCodec.DEFAULT_TENANT)
                && !(s.cloudtrailDirs().isEmpty() && s.cloudtrailLogs().isEmpty())) {
            // before, CloudTrail events took their AWS account as tenant whatever the agent's tenant was
            LOG.warn("CloudTrail events take the agent's tenant, and tenant is '{}' (its default): the events of "
                    + "every AWS account these sources read land in tenant '{}'. Set tenant to the tenant these "
                    + "accounts belong to, or tenant: \"\" to keep one tenant per AWS account id",
                    cfg.tenant(), cfg.tenant());
        }
        for (String url : java.util.Arrays.asList(cfg.scorer().url(), cfg.actions().enabled()
                ? cfg.actions().effectiveUrl(cfg.scorer()) : "")) {
            if (inClear(url)) {
                LOG.warn("{} is plain HTTP to another machine: the agent's token, its events and Shadow's commands "
                        + "travel unencrypted and unauthenticated; use https:// (scorer.trust-store for a private CA)",
                        url);
            }
        }
        if (s.hostMetrics().enabled()) {
            sources.add(new HostMetricsSource(tenant, host,
                    YamlConfig.duration("sources.host-metrics.interval", s.hostMetrics().interval()),
                    s.hostMetrics().topProcesses(), Clock.systemUTC()));
        }
        if (s.processes().enabled()) {
            sources.add(new ProcessSource(tenant, host, Clock.systemUTC()));
        }
        int i = 0;
        for (String d : s.cloudtrailDirs()) {
            sources.add(new DropDirectorySource("cloudtrail-dir-" + i++, Path.of(d), state, cloudTrailTenant,
                    s.maxFileBytes(), cfg.cloudtrailSettle(), Clock.systemUTC()));
        }
        i = 0;
        for (String f : s.cloudtrailLogs()) {
            sources.add(LogFileSource.cloudTrailLines("cloudtrail-log-" + i++, Path.of(f), state, cloudTrailTenant,
                    s.maxLineBytes()));
        }
        i = 0;
        for (String f : s.k8sAuditLogs()) {
            sources.add(LogFileSource.kubernetesAudit("k8s-audit-" + i++, Path.of(f), state, tenant,
                    s.maxLineBytes()));
        }
        if (cfg.actions().enabled()) {
            executor = executor(cfg, tenant, host);
        }
        if (cfg.intake().port() >= 0) {
            intake = new AgentIntake(spool, tenant, cfg.intake().host(), cfg.intake().port(),
                    cfg.intake().token(), cfg.intake().maxRequestBytes(), cfg.intake().maxTransferBytes(),
                    YamlConfig.duration("intake.max-future-skew", cfg.intake().maxFutureSkew()),
                    new AgentHealth(this, YamlConfig.duration("health.max-ship-lag", cfg.health().maxShipLag())));
        }
        LOG.info("agent {} on {}: spool {}, {} source(s), landing {}, scorer {}, intake {}", agentId, host,
                spool.directory(), sources.size(), landing == null ? "off" : cfg.landing().uri(),
                scorer == null ? "off" : cfg.scorer().url(), intake == null ? "off" : "port " + intake.port());
    }

    /** Adds a source beside the configured ones (tests: one that fails as no real one can on demand). */
    Agent withSource(Source source) {
        sources.add(source);
        return this;
    }

    /** Starts the loops; returns at once. */
    public Agent start() {
        Duration poll = YamlConfig.duration("sources.poll-interval", cfg.sources().pollInterval());
        thread("capture", () -> captureLoop(poll));
        if (landing != null) {
            thread("ship-landing", this::landingLoop);
        }
        if (scorer != null) {
            thread("ship-scorer", this::scorerLoop);
        }
        if (executor != null) {
            long every = YamlConfig.duration("actions.poll-interval", cfg.actions().pollInterval()).toMillis();
            thread("actions", () -> actionsLoop(every));
        }
        return this;
    }

    public int intakePort() {
        return intake == null ? -1 : intake.port();
    }

    public Spool spool() {
        return spool;
    }

    /** Blocks until {@link #close} is called (e.g. by a shutdown hook). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void captureLoop(Duration poll) {
        while (running.get()) {
            for (Source src : sources) {
                pollSource(src);
            }
            sleep(poll.toMillis());
        }
    }

    /**
     * One poll of one source. Whatever it throws (an OutOfMemoryError included) is logged and the
     * source marked failing until a poll succeeds: the other sources go on.
     */
    private void pollSource(Source src) {
        try {
            captured.addAndGet(src.poll(lines -> spool.append(lines.stream()
                    .map(l -> l.getBytes(StandardCharsets.UTF_8)).toList())));
            String was = failingSources.remove(src.name());
            if (was != null) {
                LOG.info("source {} captures again (it had failed: {})", src.name(), was);
            }
        } catch (SpoolFullException e) {
            LOG.warn("{}: {}", src.name(), e.getMessage());
        } catch (Throwable e) { // NOPMD: one source's failure, even an Error, must not stop the others
            String why = e.toString();
            if (!why.equals(failingSources.put(src.name(), why))) {
                LOG.error("source {} failed ({}); the other sources go on, it is retried every poll and /health "
                        + "reports it until it captures again", src.name(), why, e);
            }
        }
    }

    ShipStatus landingStatus() {
        return landing == null ? null : landingStatus;
    }

    /** How fetching commands goes; null when the agent takes none ({@code actions} off). */
    ShipStatus commandsStatus() {
        return executor == null ? null : commandsStatus;
    }

    ShipStatus scorerStatus() {
        return scorer == null ? null : scorerStatus;
    }

    ScorerShipper scorer() {
        return scorer;
    }

    private void landingLoop() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(60));
        long idle = YamlConfig.duration("landing.interval", cfg.landing().interval()).toMillis();
        while (running.get()) {
            try {
                int n = landing.shipOnce();
                landed.addAndGet(n);
                landingStatus.succeeded(n);
                backoff.reset();
                if (n == 0) {
                    sleep(idle);
                }
            } catch (IOException | RuntimeException e) {
                long wait = backoff.nextDelay().toMillis();
                landingStatus.failed("landing zone " + cfg.landing().uri() + " unavailable (" + e + ")", false);
                LOG.warn("landing zone {} unavailable ({}); {} unshipped records stay in the spool, retry in {} ms",
                        cfg.landing().uri(), e.toString(), spool.backlog(LandingZoneShipper.CONSUMER).records(), wait);
                sleep(wait);
            }
        }
    }

    private void scorerLoop() {
        while (running.get()) {
            try {
                ScorerShipper.Attempt a = scorer.shipOnce();
                scored.addAndGet(a.shipped());
                if (a.error().isPresent()) {
                    scorerStatus.failed(a.error().get(), false);
                } else {
                    scorerStatus.succeeded(a.shipped());
                }
                if (a.retryAfter().isPresent()) {
                    sleep(a.retryAfter().get().toMillis());
                } else if (a.shipped() == 0) {
                    sleep(500);
                }
            } catch (RuntimeException e) {
                // a wrong token is fixed on the scorer's side as often as on the agent's: keep trying
                scorerStatus.failed(e.getMessage(), true);
                LOG.error("scorer shipping paused: {}; the events stay in the spool, next try in {} s",
                        e.getMessage(), SCORER_PAUSE.toSeconds());
                sleep(SCORER_PAUSE.toMillis());
            }
        }
    }

    private void actionsLoop(long everyMs) {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60));
        while (running.get()) {
            try {
                executor.pollOnce();
                commandsStatus.succeeded(1);
                backoff.reset();
                sleep(everyMs);
            } catch (IOException | RuntimeException e) {
                commandsStatus.failed(e.getMessage(), e instanceof CommandExecutor.PollFailed f && f.tokenRefused());
                long wait = backoff.nextDelay().toMillis();
                LOG.warn("Shadow commands unavailable ({}); retry in {} ms", e.toString(), wait);
                sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static CommandExecutor executor(AgentConfig cfg, String tenant, String host) {
        var a = cfg.actions();
        URI api = URI.create(a.effectiveUrl(cfg.scorer()));
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (!cfg.scorer().trustStore().isBlank()) {
            http.sslContext(TlsTrust.fromTrustStore(Path.of(cfg.scorer().trustStore()),
                    cfg.scorer().trustStorePassword().toCharArray()));
        }
        HostIsolation isolation = null;
        if (a.isolation().equals("nftables")) {
            if (a.netns().isBlank()) { // isolating another namespace leaves the agent's own DNS alone
                reachableWhileIsolated(api, Path.of("/etc/hosts"));
            }
            List<String> allow = new ArrayList<>(a.allow());
            String shadow = address(api);
            if (!HostIsolation.allowed(shadow)) {
                throw new IllegalArgumentException("invalid actions.url = " + api + " with actions.isolation: nftables; "
                        + "it resolves to " + shadow + ", which nftables rules cannot name (a link-local address "
                        + "with a zone?): give Shadow's global or site address");
            }
            allow.add(shadow);
            isolation = new HostIsolation(a.nft(), a.netns(), allow);
            if (!onPath(a.nft())) {
                LOG.warn("actions.nft '{}' is not found: isolate_host commands will fail (acknowledged as failed) "
                        + "until nftables is installed or actions.nft names it", a.nft());
            }
        }
        return new CommandExecutor(api, a.effectiveToken(cfg.scorer()), tenant, host, http.build(),
                new ProcessControl(shadowEndpoints(cfg)), isolation,
                new CommandJournal(Path.of(cfg.spool().dir()).resolve("commands").resolve("journal.jsonl")));
    }

    /** The Shadow URLs this agent talks to: what listens on them here is Shadow's and never signalled. */
    private static List<URI> shadowEndpoints(AgentConfig cfg) {
        List<URI> out = new ArrayList<>();
        out.add(URI.create(cfg.actions().effectiveUrl(cfg.scorer())));
        if (!cfg.scorer().url().isBlank()) {
            out.add(URI.create(cfg.scorer().url()));
        }
        return out;
    }

    /**
     * Refuses an {@code actions.url} whose host this host finds only through DNS: isolation blocks DNS, so
     * once the JVM's cached address expired (30 s) the agent could not reach Shadow to be released, and
     * the host would stay cut off until someone deleted the nftables table by hand.
     */
    static void reachableWhileIsolated(URI api, Path etcHosts) {
        String host = api.getHost();
        if (host == null || HostIsolation.literal(host) || inHostsFile(host, etcHosts)) {
            return;
        }
        throw new IllegalArgumentException("invalid actions.url = " + api + " with actions.isolation: nftables; its "
                + "host '" + host + "' is looked up through DNS, which isolation blocks, so an isolated host could "
                + "not fetch its release: give actions.url with Shadow's IP address, or add '" + host + "' to "
                + etcHosts);
    }

    private static boolean inHostsFile(String host, Path etcHosts) {
        try {
            for (String line : java.nio.file.Files.readAllLines(etcHosts)) {
                String[] f = line.replaceAll("#.*", "").trim().split("\\s+");
                for (int i = 1; i < f.length; i++) {
                    if (f[i].equalsIgnoreCase(host)) {
                        return true;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String program) {
        if (program.contains("/")) {
            return java.nio.file.Files.isExecutable(Path.of(program));
        }
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && java.nio.file.Files.isExecutable(Path.of(d, program)));
    }

    /** An http:// URL to a host other than this one (loopback stays on the machine). */
    static boolean inClear(String url) {
        if (url == null || url.isBlank() || !url.regionMatches(true, 0, "http://", 0, 7)) {
            return false;
        }
        String host = URI.create(url.trim()).getHost();
        return host != null && !host.equalsIgnoreCase("localhost") && !host.matches("127(\\.\\d{1,3}){3}")
                && !host.equals("[::1]") && !host.equals("::1");
    }

    /** Shadow's API as address:port, kept reachable while the host is isolated. */
    private static String address(URI api) {
        int port = api.getPort() > 0 ? api.getPort() : api.getScheme().equals("https") ? 443 : 80;
        try {
            String ip = InetAddress.getByName(api.getHost()).getHostAddress();
            return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
        } catch (IOException e) {
            throw new IllegalArgumentException("actions.url host " + api.getHost() + " does not resolve", e);
        }
    }

    /**
     * Counters: lines captured from sources, records shipped to the landing zone and to the scorer, and
     * of those the events the scorer refused.
     */
    public long[] counters() {
        return new long[] {captured.get(), landed.get(), scored.get(), scorer == null ? 0 : scorer.rejectedByScorer()};
    }

    private void thread(String name, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) { // NOPMD: a loop that stops must show on /health, not vanish
                stoppedThreads.put("shadow-agent-" + name, e.toString());
                LOG.error("agent thread shadow-agent-{} stopped ({}); /health answers 503 until the agent is "
                        + "restarted", name, e.toString(), e);
            }
        }, "shadow-agent-" + name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    @Override
    public void close() {
        running.set(false);
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (intake != null) {
            intake.close();
        }
        for (Source s : sources) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("closing source {}: {}", s.name(), e.toString());
            }
        }
        try {
            if (landing != null) {
                landing.close();
            }
        } catch (IOException e) {
            LOG.warn("closing landing zone: {}", e.toString());
        }
        spool.close();
        stopped.countDown();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    static final String USAGE = """
            Usage: bin/shadow agent [--config FILE] [--set key=value]...
            Run the Shadow agent: capture sources and the HTTP intake into a durable spool, shipped to the
            landing zone and/or the scorer, until stopped. Keys and defaults: docs/agent.md; environment
            variables SHADOW_AGENT_<KEY> override the file, --set overrides both.
            """;

    /** {@code bin/shadow agent --config FILE [--set key=value]}: runs until stopped. */
    public static void main(String[] args) throws Exception {
        Path config = null;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].equals("--set") && i + 1 < args.length) {
                sets.add(args[++i]);
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.print(USAGE);
                return;
            } else {
                System.err.print("error: unknown argument '" + args[i] + "'\n" + USAGE);
                System.exit(2);
            }
        }
        AgentConfig cfg;
        try {
            cfg = AgentConfig.load(config, System.getenv(), sets);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Agent agent;
        try {
            agent = new Agent(cfg).start();
        } catch (RuntimeException e) {
            // what the configuration names cannot be reached or opened (a landing zone, a port in use):
            // the message says which key; the trace is in the log at DEBUG
            LOG.debug("agent did not start", e);
            System.err.println("error: the agent cannot start: " + e.getMessage()
                    + (e.getCause() != null && e.getCause().getMessage() != null ? " (" + e.getCause().getMessage()
                            + ")" : ""));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            LOG.info("agent stopped");
        }));
        System.out.println(agent.intakePort() < 0 ? "shadow agent running; intake off"
                : "shadow agent running; intake port " + agent.intakePort());
        agent.awaitStop();
    }
}
