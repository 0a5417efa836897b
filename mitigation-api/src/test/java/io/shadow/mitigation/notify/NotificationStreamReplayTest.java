package io.shadow.mitigation.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.shadow.mitigation.notify.NotificationStream.Replay;
import io.shadow.mitigation.store.NotificationRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The race between a reconnecting client's replay and the live stream: the client is subscribed
 * before the replay is read, so what is made while it is read is not lost, and what is both in the
 * replay and pushed live is sent once.
 */
class NotificationStreamReplayTest {
    private static NotificationRecord notification(String id) {
        return new NotificationRecord(id, "inc-1", "mit-1", "acme", "mitigation_applied", "u-1", "subject", "body",
                Instant.parse("2025-03-03T10:00:00Z"));
    }

    /** The ids of the events on {@code lines} until {@code n} came or 30 s passed; event names must be {@code notification}. */
    private static List<String> ids(BlockingQueue<String> lines, int n) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        String line;
        while (ids.size() < n && (line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()),
                TimeUnit.MILLISECONDS)) != null) {
            if (line.startsWith("event:")) {
                assertThat(line).isEqualTo("event: notification");
            } else if (line.startsWith("id: ")) {
                ids.add(line.substring(4));
            }
        }
        return ids;
    }

    @Test
    void whatIsMadeWhileTheReplayIsReadFollowsItAndWhatIsInBothIsSentOnce() throws Exception {
        NotificationStream stream = new NotificationStream();
        NotificationRecord a = notification("ntf-a");
        NotificationRecord b = notification("ntf-b");
        NotificationRecord c = notification("ntf-c");
        Javalin app = Javalin.create(cfg -> cfg.routes.sse("/s", client -> stream.connect(client, n -> true, () -> {
            stream.send(b); // stored before the replay was read, pushed while it is read: in both
            stream.send(c); // stored after the replay was read: only pushed
            return new Replay(List.of(a, b), null, null);
        }))).start("127.0.0.1", 0);
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/s")).header("Accept", "text/event-stream")
                    .build(), HttpResponse.BodyHandlers.ofLines());
            Thread t = new Thread(() -> r.body().forEach(lines::add));
            t.setDaemon(true);
            t.start();

            assertThat(ids(lines, 3)).as("the replay, then what was made meanwhile, ntf-b once")
                    .containsExactly("ntf-a", "ntf-b", "ntf-c");
            stream.send(notification("ntf-d"));
            assertThat(ids(lines, 1)).as("then the live ones").containsExactly("ntf-d");
        } finally {
            stream.close();
            app.stop();
        }
    }
}
