package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code GET /v1/notifications/stream} opened over real HTTP, read event by event as an
 * EventSource reads it (comments skipped).
 */
final class SseEvents implements AutoCloseable {
    /** One event: its name ({@code message} when it has none), its id (null when it has none) and data. */
    record Event(String name, String id, String data) {
    }

    private static final String END = "(end of stream)";
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Stream<String> body;

    private SseEvents(Stream<String> body) {
        this.body = body;
        Thread t = new Thread(() -> {
            try {
                body.forEach(lines::add);
            } catch (RuntimeException closed) {
                // closed by the test
            }
            lines.add(END);
        });
        t.setDaemon(true);
        t.start();
    }

    /**
     * Opens the stream at {@code pathAndQuery} (such as {@code /v1/notifications/stream?lastEventId=…})
     * with {@code token} and {@code Accept: text/event-stream}, plus {@code headers} (name, value, ...).
     */
    static SseEvents open(RunningApi api, String pathAndQuery, String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                + pathAndQuery)).header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        return new SseEvents(r.body());
    }

    /** The next event, or null when none came within {@code waitMs} or the stream ended. */
    Event next(long waitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMs;
        String name = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS))
                != null && !line.equals(END)) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(name == null ? "message" : name, id, data.toString());
                }
                name = null;
                id = null;
            } else if (line.startsWith("event:")) {
                name = value(line);
            } else if (line.startsWith("id:")) {
                id = value(line);
            } else if (line.startsWith("data:")) {
                data = data == null ? new StringBuilder(value(line)) : data.append('\n').append(value(line));
            }
        }
        return null;
    }

    private static String value(String line) {
        String v = line.substring(line.indexOf(':') + 1);
        return v.startsWith(" ") ? v.substring(1) : v;
    }

    /** Closes the connection, as a network blip or a closed tab does. */
    @Override
    public void close() {
        body.close();
    }
}
