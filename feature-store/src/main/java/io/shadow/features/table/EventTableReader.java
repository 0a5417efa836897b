package io.shadow.features.table;

import io.delta.kernel.data.MapValue;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads stored events of a time window back from {@code bronze/events} with Delta Kernel (no
 * Spark), in the order the online path sees them: by time, then event id. Only the date partitions
 * that overlap the window are opened.
 */
public final class EventTableReader {
    private final KernelTableReader reader;
    private final TableCatalog catalog;

    public EventTableReader(KernelTableReader reader, TableCatalog catalog) {
        this.reader = reader;
        this.catalog = catalog;
    }

    /** The table's location, for messages. */
    public String path() {
        return catalog.path(ShadowTable.EVENTS);
    }

    /** Whether the events table exists yet. */
    public boolean exists() {
        return reader.latestVersion(path()).isPresent();
    }

    /** Events with {@code from <= time < to}, sorted by time then event id. */
    public List<ActivityEvent> read(Instant from, Instant to) {
        int firstDay = (int) from.atZone(ZoneOffset.UTC).toLocalDate().toEpochDay();
        int lastDay = (int) to.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate().toEpochDay();
        Column date = new Column("event_date");
        Predicate window = new io.delta.kernel.expressions.And(
                new Predicate(">=", date, Literal.ofDate(firstDay)),
                new Predicate("<=", date, Literal.ofDate(lastDay)));
        List<ActivityEvent> out = new ArrayList<>();
        reader.scan(path(), window, r -> {
            Instant t = r.instant("time");
            if (!t.isBefore(from) && t.isBefore(to)) {
                out.add(event(r, t));
            }
        });
        out.sort(Comparator.comparing(ActivityEvent::time).thenComparing(ActivityEvent::eventId));
        return out;
    }

    /** The earliest and latest event time stored, or null for an empty table (reads every file). */
    public Instant[] range() {
        Instant[] range = {null, null};
        reader.scan(path(), r -> {
            Instant t = r.instant("time");
            range[0] = range[0] == null || t.isBefore(range[0]) ? t : range[0];
            range[1] = range[1] == null || t.isAfter(range[1]) ? t : range[1];
        });
        return range[0] == null ? null : range;
    }

    private static ActivityEvent event(KernelTableReader.NamedRow r, Instant time) {
        return ActivityEvent.builder()
                .eventId(r.string("event_id"))
                .time(time)
                .tenant(r.string("tenant"))
                .eventClass(EventClass.fromUid(r.intValue("class_uid")))
                .operation(r.string("operation"))
                .principal(r.string("principal"))
                .srcIp(r.string("src_ip"))
                .userAgent(r.string("user_agent"))
                .host(r.string("host"))
                .resourceType(ResourceType.fromWire(r.string("resource_type")))
                .resourceId(r.string("resource_id"))
                .outcome(Outcome.fromWire(r.string("outcome")))
                .bytesIn(r.longValue("bytes_in"))
                .bytesOut(r.longValue("bytes_out"))
                .cpuPct(r.isNull("cpu_pct") ? null : r.doubleValue("cpu_pct"))
                .memPct(r.isNull("mem_pct") ? null : r.doubleValue("mem_pct"))
                .raw(raw(r))
                .build();
    }

    private static Map<String, String> raw(KernelTableReader.NamedRow r) {
        if (r.isNull("raw")) {
            return Map.of();
        }
        MapValue m = r.row().getMap(r.ordinal("raw"));
        Map<String, String> out = new HashMap<>(m.getSize() * 2);
        for (int i = 0; i < m.getSize(); i++) {
            if (!m.getValues().isNullAt(i)) {
                out.put(m.getKeys().getString(i), m.getValues().getString(i));
            }
        }
        return out;
    }
}
