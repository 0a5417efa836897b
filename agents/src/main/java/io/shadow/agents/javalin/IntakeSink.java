package io.shadow.agents.javalin;

import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events in batches to an agent's intake from a background thread, so request threads never
 * wait. The queue is bounded ({@code capacity}): when the agent is unreachable for long, the oldest
 * reports are kept and new ones are dropped and counted ({@link #dropped()}), never blocking the
 * application. Held meanwhile: the queue plus the batch being retried (the report the sender took and
 * what it drained after it, at most {@code capacity + 1}). For no loss at all, embed a
 * {@link SpoolSink} instead.
 */
public final class IntakeSink implements EventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeSink.class);
    private final BlockingQueue<ActivityEvent> queue;
    private final URI intake;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Thread sender;
    private volatile boolean open = true;

    public IntakeSink(URI agentIntake, String token, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.intake = agentIntake.resolve("/v1/events");
        this.token = token;
        this.sender = new Thread(this::run, "shadow-reporter");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void report(ActivityEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Reports lost: refused by the full queue, or by the agent (a 4xx such as a wrong token). */
    public long dropped() {
        return dropped.get();
    }

    public long sent() {
        return sent.get();
    }

    private void run() {
        List<ActivityEvent> batch = new ArrayList<>();
        while (open || !queue.isEmpty()) {
            try {
                ActivityEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 499);
                StringBuilder body = new StringBuilder();
                for (ActivityEvent e : batch) {
                    body.append(EventCodec.toJson(e)).append('\n');
                }
                while (true) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(intake)
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/x-ndjson")
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() / 100 == 2) {
                            sent.addAndGet(batch.size());
                            break;
                        }
                        LOG.warn("agent intake answered {}: {}", r.statusCode(), r.body());
                        if (r.statusCode() / 100 == 4) {
                            dropped.addAndGet(batch.size());
                            break;
                        }
                    } catch (java.io.IOException e) {
                        LOG.warn("agent intake {} unreachable ({}); retrying", intake, e.toString());
                    }
                    Thread.sleep(1000);
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sends what is queued, then stops. */
    @Override
    public void close() throws InterruptedException {
        open = false;
        sender.join(10_000);
    }
}
