package io.shadow.agents.intake;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shadow.agents.spool.Spool;
import io.shadow.agents.spool.SpoolFullException;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import io.shadow.features.json.EventLineCheck;
import io.shadow.features.json.TransferLimit;
import io.shadow.features.json.Utf8Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * The agent's HTTP intake for applications (the Javalin reporter, scripts): {@code POST /v1/events}
 * with a JSON array or NDJSON. Valid events are appended to the spool before the answer, so a 200
 * means durable; invalid ones are listed with the field at fault and not kept. An event that names
 * no tenant is stamped with the agent's own ({@code tenant} of its configuration), as its other
 * sources do, and one reporting more than {@code intake.max-transfer-bytes} in {@code bytes_in} or
 * {@code bytes_out} is refused like a malformed one. A full spool, or one that cannot write (a full
 * disk), answers 503 with {@code Retry-After} and keeps none of the request. Served by the JDK's own
 * HTTP server: the agent sits beside the workloads it watches and keeps its footprint small.
 */
public final class AgentIntake implements AutoCloseable {
    /** How much of an oversized body is read and dropped so its sender gets the 413 (16 MiB). */
    static final long DRAIN_LIMIT = 16L << 20;
    private static final String AFTER_ARRAY = "there is more JSON after the array's closing ]";
    /** Seconds a request may take to arrive, headers and body, before its connection is closed. */
    static final int REQUEST_SECONDS = 60;

    static {
        // the JDK server reads a request on a worker: without a bound, two connections that never finished
        // their headers (no token needed) held both workers and /health went unanswered. A request, headers
        // and body, must arrive within REQUEST_SECONDS (the property bounds both); more workers below
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        }
    }

    private final HttpServer server;
    /**
     * Two workers, more (up to {@link #MAX_WORKERS}) while requests are slow, each idle one gone after a
     * minute; beyond that a new connection is closed at once rather than queued behind slow ones.
     */
    private final ExecutorService workers = new java.util.concurrent.ThreadPoolExecutor(2, MAX_WORKERS, 60,
            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "shadow-intake");
                t.setDaemon(true);
                return t;
            });
    static final int MAX_WORKERS = 32;
    private final Spool spool;
    private final byte[] expected;
    private final long maxRequestBytes;
    private final String tenant;
    private final long maxTransferBytes;
    /** Events dated further ahead of this clock than {@code maxFutureSkew} are refused naming {@code time}. */
    private final java.time.Duration maxFutureSkew;
    private final java.time.Clock clock = java.time.Clock.systemUTC();
    /** Default intake.max-future-skew: the scorer's default scorer.max-future-skew. */
    public static final java.time.Duration DEFAULT_MAX_FUTURE_SKEW = java.time.Duration.ofMinutes(5);

    /**
     * @param tenant stamped on events that name none (the agent's configured tenant)
     * @param maxTransferBytes events reporting more in {@code bytes_in} or {@code bytes_out} are refused
     *     ({@code intake.max-transfer-bytes}; the scorer and ingest would refuse them too)
     */
    public AgentIntake(Spool spool, String tenant, String host, int port, String token, long maxRequestBytes,
            long maxTransferBytes) {
        this(spool, tenant, host, port, token, maxRequestBytes, maxTransferBytes, null);
    }

    /**
     * @param refusedByScorer events the scorer refused so far, shown by {@code /health}; null when the
     *     agent does not ship to a scorer
     */
    public AgentIntake(Spool spool, String tenant, String host, int port, String token, long maxRequestBytes,
            long maxTransferBytes, LongSupplier refusedByScorer) {
        this(spool, tenant, host, port, token, maxRequestBytes, maxTransferBytes, DEFAULT_MAX_FUTURE_SKEW,
                refusedByScorer == null ? null : answer -> {
                    answer.put("refused_by_scorer", refusedByScorer.getAsLong());
                    return List.of();
                });
    }

    /**
     * @param maxFutureSkew events dated further ahead of the agent's clock are refused naming {@code time}
     *     ({@code intake.max-future-skew}; the scorer would refuse them)
     * @param health what {@code /health} reports beyond the spool (the agent's shipping and capture); null: none
     */
    public AgentIntake(Spool spool, String tenant, String host, int port, String token, long maxRequestBytes,
            long maxTransferBytes, java.time.Duration maxFutureSkew, HealthReport health) {
        this.spool = spool;
        this.tenant = tenant;
        this.maxTransferBytes = maxTransferBytes;
        this.maxFutureSkew = maxFutureSkew;
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.maxRequestBytes = maxRequestBytes;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IllegalArgumentException("intake cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); change intake.host / intake.port", e);
        }
        server.setExecutor(workers);
        server.createContext("/health", ex -> {
            if (!exactly(ex, "/health")) {
                return;
            }
            // a spool that refuses writes until a restart is unhealthy: every event sent now is refused
            // so is one that refuses them now (full, or a full disk), or an agent that stores or ships nothing
            var failure = spool.writeFailure();
            ObjectNode o = EventCodec.mapper().createObjectNode().put("status", "ok")
                    .put("spool_bytes", spool.sizeBytes());
            failure.ifPresent(f -> o.put("error", f));
            List<String> problems = new ArrayList<>();
            spool.appendRefusal().ifPresent(r -> problems.add("the spool refuses new events: " + r));
            if (health != null) {
                problems.addAll(health.report(o));
            }
            String status = failure.isPresent() ? "spool_broken" : problems.isEmpty() ? "ok" : "degraded";
            o.put("status", status);
            if (!problems.isEmpty()) {
                problems.forEach(o.putArray("problems")::add);
            }
            send(ex, status.equals("ok") ? 200 : 503, o);
        });
        server.createContext("/v1/events", this::events);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The JDK server matches a context by prefix: anything longer than its path is 404 here. */
    private static boolean exactly(HttpExchange ex, String path) throws IOException {
        if (ex.getRequestURI().getPath().equals(path)) {
            return true;
        }
        try (ex) {
            send(ex, 404, error(404, "no route " + ex.getRequestURI().getPath() + "; the intake serves POST /v1/events "
                    + "and GET /health"));
        }
        return false;
    }

    /** The token as sent with any case of the scheme ({@code Bearer}, {@code bearer}: RFC 7235 says either). */
    private static byte[] credentials(String auth) {
        if (auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            auth = "Bearer " + auth.substring(7);
        }
        return auth.getBytes(StandardCharsets.UTF_8);
    }

    private void events(HttpExchange ex) throws IOException {
        if (!exactly(ex, "/v1/events")) {
            return;
        }
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, error(405, "use POST /v1/events"));
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(expected, credentials(auth))) {
                send(ex, 401, error(401, "missing or wrong 'Authorization: Bearer <token>' (intake.token of the "
                        + "agent)"));
                return;
            }
            byte[] body = read(ex);
            if (body == null) {
                // read the rest before answering: a client still sending would otherwise get a reset, not the 413
                discard(ex.getRequestBody());
                send(ex, 413, error(413, "request body larger than " + maxRequestBytes + " bytes; send smaller "
                        + "batches"));
                return;
            }
            String charset = Utf8Text.foreignCharset(ex.getRequestHeaders().getFirst("Content-Type"));
            if (charset != null) {
                send(ex, 415, error(415, Utf8Text.charsetRefusal(charset) + "; nothing was kept"));
                return;
            }
            accept(ex, body);
        }
    }

    private void accept(HttpExchange ex, byte[] body) throws IOException {
        List<byte[]> good = new ArrayList<>();
        // NDJSON lines that pass the fast check stay where they are in the body: {start, end} pairs
        int[] slices = new int[64];
        int sliced = 0;
        long latest = latestMillis();
        ArrayNode errors = EventCodec.mapper().createArrayNode();
        // a leading byte order mark is not part of the JSON: skipped, as the scorer skips it
        int bom = Utf8Text.bom(body, 0, body.length);
        int first = bom;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first < body.length && body[first] == '[') {
            if (!Utf8Text.valid(body, bom, body.length - bom)) {
                // the parser would let some of it through: refused as the scorer refuses it, nothing kept
                send(ex, 400, error(400, Utf8Text.describe(body, bom, Utf8Text.invalidAt(body, bom, body.length - bom),
                        "the body") + "; nothing was kept"));
                return;
            }
            try {
                elements(body, bom, good, errors);
            } catch (IOException e) {
                String why = e instanceof JsonProcessingException j ? AFTER_ARRAY.equals(j.getOriginalMessage())
                        ? AFTER_ARRAY : EventCodec.overLimit(j) : null;
                send(ex, 400, error(400, "body starts like a JSON array but does not parse" + (why == null ? ""
                        : " (" + why + ")") + "; send a JSON array of events or NDJSON"));
                return;
            }
        } else {
            // NDJSON: lines are checked and kept as byte slices of the body, never decoded to strings
            int index = 0;
            for (int start = bom; start < body.length; index++) {
                int end = start;
                while (end < body.length && body[end] != '\n') {
                    end++;
                }
                int stop = end > start && body[end - 1] == '\r' ? end - 1 : end;
                if (stop > start && !blank(body, start, stop)) {
                    if (EventLineCheck.validWithId(body, start, stop - start, maxTransferBytes, latest)) {
                        if (2 * sliced + 2 > slices.length) {
                            slices = Arrays.copyOf(slices, slices.length * 2);
                        }
                        slices[2 * sliced] = start;
                        slices[2 * sliced + 1] = stop;
                        sliced++;
                    } else {
                        // keep the batch in order: lines taken so far move out of the body first
                        for (int i = 0; i < sliced; i++) {
                            good.add(Arrays.copyOfRange(body, slices[2 * i], slices[2 * i + 1]));
                        }
                        sliced = 0;
                        String line;
                        try {
                            line = Utf8Text.decode(body, start, stop - start, "the line");
                        } catch (EventFormatException e) {
                            errors.addObject().put("index", index).putNull("field").put("error", e.getMessage());
                            start = end + 1;
                            continue;
                        }
                        take(line, index, good, errors);
                    }
                }
                start = end + 1;
            }
        }
        if (!good.isEmpty()) {
            for (int i = 0; i < sliced; i++) {
                good.add(Arrays.copyOfRange(body, slices[2 * i], slices[2 * i + 1]));
            }
            sliced = 0;
        }
        int accepted = good.size() + sliced;
        if (accepted > 0) {
            try {
                if (sliced > 0) {
                    spool.append(body, slices, sliced);
                } else {
                    spool.append(good);
                }
            } catch (SpoolFullException e) {
                ex.getResponseHeaders().set("Retry-After", "5");
                send(ex, 503, error(503, e.getMessage()));
                return;
            } catch (UncheckedIOException e) {
                // the spool rolled the request's events back (a full disk): none of them is kept
                ex.getResponseHeaders().set("Retry-After", "30");
                send(ex, 503, error(503, "nothing of this request was acknowledged: " + e.getMessage()));
                return;
            }
        }
        if (errors.isEmpty()) {
            // the usual answer, written without building a tree
            send(ex, 200, ("{\"accepted\":" + accepted + ",\"rejected\":0,\"errors\":[]}")
                    .getBytes(StandardCharsets.US_ASCII));
            return;
        }
        ObjectNode out = EventCodec.mapper().createObjectNode();
        out.put("accepted", accepted);
        out.put("rejected", errors.size());
        out.set("errors", errors);
        send(ex, accepted == 0 ? 400 : 200, out);
    }

    /**
     * Each element of a JSON array through {@link #take}, read with each field once as the scorer reads
     * it: an element that repeats a field is listed naming it (of {@code "tenant":"acme",…,"tenant":"globex"}
     * a tree would keep the last, the sender may have meant the first), the others are taken.
     */
    private void elements(byte[] body, int from, List<byte[]> good, ArrayNode errors) throws IOException {
        try (JsonParser p = EventCodec.mapper().createParser(body, from, body.length - from)) {
            p.nextToken();
            JsonStreamContext array = p.getParsingContext();
            int i = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
                if (t == null) {
                    throw new JsonParseException(p, "the array is not closed");
                }
                try {
                    take(EventCodec.readElement(p, array).toString(), i, good, errors);
                } catch (EventFormatException twice) {
                    errors.addObject().put("index", i).put("field", twice.field()).put("error", twice.getMessage());
                }
            }
            if (p.nextToken() != null) { // [..] {..}: what follows the array would be dropped unread
                throw new JsonParseException(p, AFTER_ARRAY);
            }
        }
    }

    /** A line off the fast path: the full codec adds a derived id and the agent's tenant, or says what is wrong. */
    private void take(String line, int index, List<byte[]> good, ArrayNode errors) {
        if (line.isBlank()) {
            return;
        }
        if (EventLineCheck.validWithId(line, maxTransferBytes, latestMillis())) {
            good.add(line.getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            ActivityEvent event = EventCodec.parse(line, tenant);
            TransferLimit.check(event, maxTransferBytes, "Fix the sender, or raise intake.max-transfer-bytes in the "
                    + "agent's configuration (and scorer.max-transfer-bytes on the server) if single transfers "
                    + "really are this large.");
            String ahead = aheadOfClock(event.time());
            if (ahead != null) {
                errors.addObject().put("index", index).put("field", "time").put("error", ahead);
                return;
            }
            good.add(EventCodec.toJson(event).getBytes(StandardCharsets.UTF_8));
        } catch (EventFormatException e) {
            errors.addObject().put("index", index).put("field", e.field()).put("error", e.getMessage());
        }
    }

    /** The latest event time the intake takes now: its clock plus intake.max-future-skew. */
    private long latestMillis() {
        try {
            return Math.addExact(clock.millis(), maxFutureSkew.toMillis());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // a skew beyond any representable time: nothing is ahead
        }
    }

    private String aheadOfClock(java.time.Instant time) {
        java.time.Instant now = clock.instant();
        if (time == null || !time.isAfter(now.plus(maxFutureSkew))) {
            return null;
        }
        return new EventFormatException("time", time + " is more than " + maxFutureSkew + " ahead of the agent's "
                + "clock (" + now + "); the scorer would refuse it. Fix the sender's clock, or raise "
                + "intake.max-future-skew (and the scorer's scorer.max-future-skew) if the agent's clock is behind")
                .getMessage();
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** The body, or null when over the limit; read into one array of the announced length when there is one. */
    private byte[] read(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        long announced = contentLength(ex);
        if (announced > maxRequestBytes) {
            return null;
        }
        if (announced >= 0) {
            byte[] b = in.readNBytes((int) announced);
            return in.read() < 0 ? b : null;
        }
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
        return b.length > maxRequestBytes ? null : b;
    }

    /**
     * Reads and drops what is left of an oversized body, up to {@link #DRAIN_LIMIT} bytes; beyond
     * that the connection is closed unread (the client then sees a reset instead of the 413).
     */
    private static void discard(InputStream in) throws IOException {
        byte[] sink = new byte[1 << 16];
        long left = DRAIN_LIMIT;
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
            left -= n;
        }
    }

    private static long contentLength(HttpExchange ex) {
        String v = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ObjectNode error(int status, String message) {
        return EventCodec.mapper().createObjectNode().put("status", status).put("error", message);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, EventCodec.mapper().writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
