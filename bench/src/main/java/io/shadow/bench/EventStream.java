package io.shadow.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An endless stream of NDJSON events for load: the workload's week replayed again and again, each
 * replay shifted by whole weeks (hour of week kept, event time always moving forward) and with its
 * own event ids, so the scorer sees a plausible continuation rather than the same events again.
 * The first replay lies about ten years before the workload, so that no event is ahead of the
 * scorer's clock (it rejects those). Lines are stitched from pre-encoded parts, so making load costs
 * the client little.
 */
final class EventStream {
    private static final long WEEK = 7 * 86_400L;
    private final String[] ids;
    private final long[] seconds;
    private final int[] nanos;
    private final String[] rest;
    private final long shift;
    /** Replays between the first one and the workload's own week. */
    private final long back;
    private final AtomicLong next = new AtomicLong();

    EventStream(List<ActivityEvent> events) {
        int n = events.size();
        ids = new String[n];
        seconds = new long[n];
        nanos = new int[n];
        rest = new String[n];
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            ActivityEvent e = events.get(i);
            ObjectNode node = EventCodec.toNode(e);
            node.remove("event_id");
            node.remove("time");
            ids[i] = e.eventId();
            seconds[i] = e.time().getEpochSecond();
            nanos[i] = e.time().getNano();
            rest[i] = node.toString().substring(1);
            first = Math.min(first, seconds[i]);
            last = Math.max(last, seconds[i]);
        }
        shift = ((last - first) / WEEK + 1) * WEEK;
        back = 520 * WEEK / shift + 1;
    }

    int size() {
        return ids.length;
    }

    /** The next {@code n} events as NDJSON bytes. */
    byte[] batch(int n) {
        long from = next.getAndAdd(n);
        StringBuilder sb = new StringBuilder(n * 360);
        for (long k = from; k < from + n; k++) {
            line(sb, k).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The next event as one JSON object. */
    byte[] single() {
        return line(new StringBuilder(360), next.getAndIncrement()).toString().getBytes(StandardCharsets.UTF_8);
    }

    private StringBuilder line(StringBuilder sb, long k) {
        int i = (int) (k % ids.length);
        long pass = k / ids.length + 1;
        return sb.append("{\"event_id\":\"").append(ids[i]).append('-').append(pass).append("\",\"time\":\"")
                .append(Instant.ofEpochSecond(seconds[i] + (pass - back) * shift, nanos[i])).append("\",").append(rest[i]);
    }
}
