package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/notifications/stream: notifications pushed as server-sent events to those allowed to see them. */
class NotificationStreamTest {
    /** Put in a stream's queue when the server ends the stream. */
    private static final String END = "(end of stream)";
    @TempDir
    Path dir;

    /** Opens a stream with {@code token}; its lines arrive in the returned queue. */
    private static BlockingQueue<String> open(RunningApi api, String token) throws Exception {
        return open(api, token, "text/event-stream");
    }

    /** As {@link #open(RunningApi, String)}, sending {@code accept} as the Accept header (none when null). */
    private static BlockingQueue<String> open(RunningApi api, String token, String accept) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                + "/v1/notifications/stream")).header("Authorization", "Bearer " + token);
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/event-stream"));
        Thread t = new Thread(() -> {
            r.body().forEach(lines::add);
            lines.add(END);
        });
        t.setDaemon(true);
        t.start();
        return lines;
    }

    /**
     * Waits until {@code n} clients are connected: the response's headers reach the client before the
     * server subscribes it, so a notification made right after {@code open} could miss it. At most 30 s
     * (a loaded machine), then fails saying so rather than letting a later wait for an event time out.
     */
    private static void awaitClients(RunningApi api, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (api.service().stream().clients() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(api.service().stream().clients()).as("SSE clients connected").isGreaterThanOrEqualTo(n);
    }

    /** Whether the server ends the stream within 30 s (lines before the end are skipped). */
    private static boolean endsWithin30s(BlockingQueue<String> lines) throws InterruptedException {
        String line;
        do {
            line = lines.poll(30, TimeUnit.SECONDS);
        } while (line != null && !line.equals(END));
        return line != null;
    }

    /** The data line of the next notification event, or null after {@code waitMs}. */
    private static String nextEvent(BlockingQueue<String> lines, long waitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMs;
        boolean inEvent = false;
        String line;
        while ((line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) != null) {
            if (line.equals("event: notification")) {
                inEvent = true;
            } else if (inEvent && line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        return null;
    }

    @Test
    void stoppingTheServiceEndsEveryStreamAndItsSender() throws Exception {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            BlockingQueue<String> operator = open(api, RunningApi.OPERATOR);
            awaitClients(api, 1);
            assertThat(api.service().stream().clients()).isEqualTo(1);

            api.service().stream().close();

            assertThat(endsWithin30s(operator)).as("the client sees its stream end").isTrue();
            assertThat(api.service().stream().clients()).isZero();
            long deadline = System.currentTimeMillis() + 30_000;
            while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("shadow-sse-sender"))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .as("no sender left to ping a stopped server").doesNotContain("shadow-sse-sender");

            BlockingQueue<String> late = open(api, RunningApi.OPERATOR);
            assertThat(endsWithin30s(late)).as("a client connecting while the service stops is closed at once")
                    .isTrue();
            assertThat(api.service().stream().clients()).isZero();
        }
    }

    @Test
    void notificationsArePushedAtOnceToOperatorsAndToTheUserTheyAreAbout() throws Exception {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            BlockingQueue<String> operator = open(api, RunningApi.OPERATOR);
            BlockingQueue<String> u1 = open(api, RunningApi.USER_U1);
            BlockingQueue<String> u2 = open(api, RunningApi.USER_U2);
            awaitClients(api, 3);

            Outcome ofU1 = api.handle(Assessments.risk(40).build());

            String seen = nextEvent(operator, 30_000);
            assertThat(seen).contains("\"incidentId\":\"" + ofU1.incidentId() + "\"", "\"recipient\":\"u-1\"",
                    "How to undo");
            assertThat(nextEvent(u1, 30_000)).contains(ofU1.incidentId());

            Outcome ofU2 = api.handle(Assessments.risk(40).principal("u-2").build());
            assertThat(nextEvent(u2, 30_000)).as("u-2 got nothing about u-1 before its own")
                    .contains(ofU2.incidentId());
        }
    }

    @Test
    void aUserIsNotPushedTheNotificationsOfANamesakeInAnotherTenant() throws Exception {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            BlockingQueue<String> globex = open(api, RunningApi.USER_GLOBEX_U1);
            awaitClients(api, 1);

            api.handle(Assessments.risk(40).build()); // u-1 of acme
            Outcome own = api.handle(Assessments.risk(40).tenant("globex").build());

            assertThat(nextEvent(globex, 30_000)).as("globex's u-1 got nothing about acme's u-1 before its own")
                    .contains(own.incidentId(), "\"tenant\":\"globex\"");
        }
    }

    /** A stream opened on a plain socket (closed by the caller); returns its status line. */
    private static java.net.Socket rawStream(RunningApi api, String token, String[] status) throws Exception {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port());
        socket.getOutputStream().write(("GET /v1/notifications/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        socket.setSoTimeout(30_000);
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
        status[0] = in.readLine();
        return socket;
    }

    @Test
    void oneCallerHoldsAtMostEightStreamsAndAClosedOneFreesItsPlace() throws Exception {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            List<java.net.Socket> open = new java.util.ArrayList<>();
            String[] status = new String[1];
            try {
                for (int i = 0; i < 8; i++) {
                    open.add(rawStream(api, RunningApi.USER_U1, status));
                    assertThat(status[0]).as("stream " + i).isEqualTo("HTTP/1.1 200 OK");
                }
                HttpResponse<String> ninth = api.get("/v1/notifications/stream", RunningApi.USER_U1);
                assertThat(ninth.statusCode()).as(ninth.body()).isEqualTo(429);
                assertThat(RunningApi.json(ninth).path("error").asText()).endsWith(" has 8 notification streams "
                        + "open already, the most one caller may hold; close one (each browser tab holds one) or "
                        + "read GET /v1/notifications");
                open.add(rawStream(api, RunningApi.USER_U2, status));
                assertThat(status[0]).as("another caller").isEqualTo("HTTP/1.1 200 OK");

                open.remove(0).close();
                // the server sees the closed connection at its next write (a ping within 15 s)
                long deadline = System.currentTimeMillis() + 60_000;
                java.net.Socket again;
                do {
                    Thread.sleep(500);
                    again = rawStream(api, RunningApi.USER_U1, status);
                    open.add(again);
                } while (!"HTTP/1.1 200 OK".equals(status[0]) && System.currentTimeMillis() < deadline);
                assertThat(status[0]).as("the closed stream's place is free again").isEqualTo("HTTP/1.1 200 OK");
            } finally {
                for (java.net.Socket s : open) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theStreamNeedsAUserOrOperatorToken() {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            assertThat(api.get("/v1/notifications/stream", null).statusCode()).isEqualTo(401);
            HttpResponse<String> agent = api.get("/v1/notifications/stream", RunningApi.AGENT);
            assertThat(agent.statusCode()).isEqualTo(403);
            assertThat(RunningApi.json(agent).path("error").asText()).isEqualTo(
                    "role agent may not call GET /v1/notifications/stream; allowed: [operator, user] (and admin, which may call every route)");
        }
    }

    @Test
    void aClientThatSendsNoAcceptOrAcceptsAnythingGetsTheStream() throws Exception {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            BlockingQueue<String> plain = open(api, RunningApi.OPERATOR, null);
            BlockingQueue<String> curl = open(api, RunningApi.OPERATOR, "*/*");
            assertThat(plain.poll(30, TimeUnit.SECONDS)).isEqualTo(": connected");
            assertThat(curl.poll(30, TimeUnit.SECONDS)).isEqualTo(": connected");
        }
    }

    @Test
    void anAcceptThatExcludesEventStreamIs406SayingWhatToSend() {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            HttpResponse<String> r = api.get("/v1/notifications/stream", RunningApi.OPERATOR, "Accept",
                    "application/json");

            assertThat(r.statusCode()).as(r.body()).isEqualTo(406);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("application/json"));
            assertThat(RunningApi.json(r).path("error").asText()).isEqualTo("GET /v1/notifications/stream is a "
                    + "stream of server-sent events and the request's Accept header (application/json) excludes "
                    + "them; send 'Accept: text/event-stream' (GET /v1/notifications lists them as JSON)");
            assertThat(api.service().stream().clients()).isZero();
        }
    }
}
