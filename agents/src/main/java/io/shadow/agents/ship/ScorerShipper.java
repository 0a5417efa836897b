package io.shadow.agents.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.shadow.agents.spool.Spool;
import io.shadow.agents.spool.SpoolRecord;
import io.shadow.features.json.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships spooled events to the online scorer in NDJSON batches over HTTP(S) with a bearer token.
 * Overload answers (429/503) are retried after {@code Retry-After} (seconds or an HTTP date, at most five
 * minutes, plus up to half as long again at random so turned-away agents spread out); network errors and other 5xx
 * with backoff. The cursor moves only when the scorer answered for the batch's events: records the
 * scorer rejects as malformed — some of a batch (200) or all of it (400 listing each one's problem) —
 * are counted and not re-sent (they also reach the landing zone, where ingest quarantines them with
 * the reason). The agent's own rejection records ({@code shadow_rejected}: source records it could not
 * map) are not sent: the scorer would refuse them; they belong to the landing zone's quarantine. TLS
 * problems are told apart from outages: an untrusted certificate is an ERROR naming
 * {@code scorer.trust-store}, a scheme that does not match the port (http:// to a TLS port, https://
 * to a plain one) an ERROR naming {@code scorer.url}.
 */
public final class ScorerShipper {
    public static final String CONSUMER = "scorer";
    private static final Logger LOG = LoggerFactory.getLogger(ScorerShipper.class);

    private final Spool spool;
    private final URI eventsUri;
    private final String token;
    private final int batchRecords;
    /** Bytes of one request at most: below the scorer's default server.max-request-bytes (10 MiB). */
    static final int MAX_BATCH_BYTES = 4 << 20;
    private int batchBytes = MAX_BATCH_BYTES;
    private final HttpClient http;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
    /** How often at most a refusal by the scorer is logged; the counts in between are summed. */
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);
    private volatile long rejectedByScorer; // written by the shipping thread alone
    private final Refusals refusals = new Refusals();

    public ScorerShipper(Spool spool, URI scorerBase, String token, int batchRecords, HttpClient http) {
        this.spool = spool;
        spool.registerConsumer(CONSUMER);
        this.eventsUri = scorerBase.resolve("/v1/events");
        this.token = token;
        this.batchRecords = batchRecords;
        this.http = http;
    }

    /**
     * Outcome of one attempt: the records the cursor passed, how long to wait before the next, and why
     * nothing was shipped when it failed.
     */
    public record Attempt(int shipped, Optional<Duration> retryAfter, Optional<String> error) {
        public Attempt(int shipped, Optional<Duration> retryAfter) {
            this(shipped, retryAfter, Optional.empty());
        }

        static Attempt failed(Duration wait, String error) {
            return new Attempt(0, Optional.of(wait), Optional.of(error));
        }
    }

    private static final byte[] REJECTED_PREFIX = ("{\"" + EventCodec.REJECTED + "\"")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A line the agent wrote for a source record it could not map: for the landing zone's quarantine only. */
    static boolean agentRejection(byte[] payload) {
        return java.util.Arrays.equals(payload, 0, Math.min(payload.length, REJECTED_PREFIX.length),
                REJECTED_PREFIX, 0, REJECTED_PREFIX.length);
    }

    /** Sends one batch from the cursor; on failure returns how long to wait, nothing lost. */
    public Attempt shipOnce() {
        long from = spool.cursor(CONSUMER);
        List<SpoolRecord> batch = spool.read(from, batchRecords);
        if (batch.isEmpty()) {
            return new Attempt(0, Optional.empty());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(batch.size() * 300, batchBytes));
        int sent = 0;
        int covered = 0; // records of the batch this request answers for, from the first
        for (SpoolRecord r : batch) {
            if (sent > 0 && body.size() + r.payload().length + 1 > batchBytes) {
                break; // the rest goes in the next request: the scorer refuses bodies over its max-request-bytes
            }
            covered++;
            if (agentRejection(r.payload())) {
                continue;
            }
            body.writeBytes(r.payload());
            body.write('\n');
            sent++;
        }
        batch = batch.subList(0, covered);
        if (sent == 0) {
            // only the agent's own rejections: nothing for the scorer, the landing zone quarantines them
            spool.commitCursor(CONSUMER, batch.get(batch.size() - 1).sequence() + 1);
            return new Attempt(batch.size(), Optional.empty());
        }
        HttpRequest req = HttpRequest.newBuilder(eventsUri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            int code = resp.statusCode();
            if (code / 100 == 2 || code == 400 && refusedEventByEvent(resp.body())) {
                // a 400 that lists each event's problem refused them all as malformed (no tenant, a time
                // ahead of the scorer's clock): sending them again cannot help, and would stall the stream
                JsonNode answer = answer(resp.body());
                long rejected = answer.path("rejected").asLong(0);
                rejectedByScorer += rejected;
                if (rejected > 0) {
                    refusals.report(rejected, sent, answer.path("errors").path(0));
                }
                spool.commitCursor(CONSUMER, batch.get(batch.size() - 1).sequence() + 1);
                backoff.reset();
                return new Attempt(batch.size(), Optional.empty());
            }
            if (code == 429 || code == 503) {
                long secs = retryAfterSeconds(resp.headers().firstValue("Retry-After"), Instant.now());
                return Attempt.failed(withJitter(secs), "scorer at " + eventsUri + " is busy (HTTP " + code
                        + "), retry after " + secs + " s");
            }
            if (code == 413 && sent > 1) {
                // a scorer with a smaller server.max-request-bytes: smaller requests from now on, at once (each
                // try halves them, so this ends at one event a request)
                batchBytes = Math.max(1, body.size() / 2);
                LOG.warn("scorer at {} refused a batch of {} events, {} bytes, as too large (HTTP 413); sending at "
                        + "most {} bytes a request from now on", eventsUri, sent, body.size(), batchBytes);
                return Attempt.failed(Duration.ZERO, "scorer at " + eventsUri + " refused a batch as too large "
                        + "(HTTP 413)");
            }
            if (code == 413) {
                // one event larger than the scorer takes: sending it again cannot help and would stall the stream
                rejectedByScorer++;
                refusals.report(1, 1, EventCodec.mapper().createObjectNode().put("index", 0).put("error",
                        "the event alone, "
                        + body.size() + " bytes, is larger than the scorer's server.max-request-bytes (HTTP 413)"));
                spool.commitCursor(CONSUMER, batch.get(batch.size() - 1).sequence() + 1);
                return new Attempt(batch.size(), Optional.empty());
            }
            if (code == 401 || code == 403) {
                throw new IllegalStateException("scorer at " + eventsUri + " refused the agent token (HTTP " + code
                        + "); set scorer.token (SHADOW_AGENT_SCORER_TOKEN) to a token of the scorer with the agent "
                        + "role");
            }
            LOG.warn("scorer answered HTTP {} to a batch of {}; retrying: {}", code, sent, resp.body());
            return Attempt.failed(backoff.nextDelay(), "scorer at " + eventsUri + " answered HTTP " + code);
        } catch (IOException e) {
            String tls = TlsProblems.explain(eventsUri, e);
            if (tls != null) {
                LOG.error("{}; the events stay in the spool, retrying with backoff", tls);
                return Attempt.failed(backoff.nextDelay(), tls);
            }
            LOG.warn("scorer at {} unreachable ({}); retrying with backoff", eventsUri, e.toString());
            return Attempt.failed(backoff.nextDelay(), "scorer at " + eventsUri + " unreachable (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Attempt.failed(backoff.nextDelay(), "interrupted");
        }
    }

    /** The longest wait a {@code Retry-After} is taken for: a larger one (a proxy's mistake) waits this long. */
    static final long MAX_RETRY_AFTER_SECONDS = 300;

    /**
     * The seconds a {@code Retry-After} asks for, in either of its forms (seconds, or an HTTP date), from 1 to
     * {@link #MAX_RETRY_AFTER_SECONDS}; 1 when it is missing or cannot be read.
     */
    static long retryAfterSeconds(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return 1;
        }
        String v = header.get().trim();
        long secs;
        try {
            secs = Long.parseLong(v);
        } catch (NumberFormatException notSeconds) {
            try {
                secs = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant()).toSeconds();
            } catch (DateTimeParseException notADate) {
                secs = 1;
            }
        }
        return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, secs));
    }

    /**
     * The wait before trying again after {@code secs}: up to half as long again, at random, so agents that
     * a busy scorer turned away together do not all come back in the same instant.
     */
    static Duration withJitter(long secs) {
        long millis = secs * 1000;
        return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    /** Ships everything spooled, waiting out overload and outages. */
    public long drain() throws InterruptedException {
        long total = 0;
        while (true) {
            Attempt a = shipOnce();
            total += a.shipped();
            if (a.retryAfter().isPresent()) {
                Thread.sleep(a.retryAfter().get().toMillis());
            } else if (a.shipped() == 0) {
                return total;
            }
        }
    }

    /** Events the scorer rejected as malformed (or, for a host-bound token, as another host's). */
    public long rejectedByScorer() {
        return rejectedByScorer;
    }

    /** A 400 whose body lists the events' problems one by one ({@code errors}), not a refusal of the request. */
    private static boolean refusedEventByEvent(String body) {
        return answer(body).path("errors").size() > 0;
    }

    private static JsonNode answer(String body) {
        try {
            JsonNode n = EventCodec.mapper().readTree(body);
            return n == null ? MissingNode.getInstance() : n;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * Events the scorer refused, logged as WARN at most once a {@link #REPORT_EVERY}: a sender whose every
     * event is refused (a host-bound token and CloudTrail events) would otherwise log once a batch.
     */
    private final class Refusals {
        private long lastReport = Long.MIN_VALUE;
        private long events;
        private long batches;

        void report(long rejected, int batchSize, JsonNode firstError) {
            events += rejected;
            batches++;
            long now = System.nanoTime();
            if (lastReport != Long.MIN_VALUE && now - lastReport < REPORT_EVERY.toNanos()) {
                return;
            }
            // the scorer's error names the field ("field 'tenant': is required …")
            LOG.warn("scorer refused {} of {} events of a batch (the first, line {} of the batch: {}); {} refused "
                    + "in {} batch(es) since the last report, {} since the agent started; they are not sent again "
                    + "(they still reach the landing zone, if one is configured): fix the sender, or the host binding "
                    + "of scorer.token", rejected, batchSize, firstError.path("index").asText("?"),
                    firstError.path("error").asText("no reason given"), events, batches, rejectedByScorer);
            lastReport = now;
            events = 0;
            batches = 0;
        }
    }
}
