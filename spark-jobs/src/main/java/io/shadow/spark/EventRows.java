package io.shadow.spark;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Converts between {@link ActivityEvent} and rows of the bronze {@code events} table. */
public final class EventRows {
    private EventRows() {
    }

    public static Object[] values(ActivityEvent e, Instant ingestedAt) {
        return new Object[] {e.eventId(), e.time(), LocalDate.ofInstant(e.time(), ZoneOffset.UTC), e.tenant(),
            e.eventClass().uid(), e.operation(), e.principal(), e.srcIp(), e.userAgent(), e.host(),
            e.resourceType().wireName(), e.resourceId(), e.outcome().wireName(), e.bytesIn(), e.bytesOut(),
            e.cpuPct(), e.memPct(), scala.jdk.javaapi.CollectionConverters.asScala(e.raw()), ingestedAt};
    }

    public static Row row(ActivityEvent e, Instant ingestedAt) {
        return RowFactory.create(values(e, ingestedAt));
    }

    /**
     * The bronze columns feature and novelty definitions read: every modelled field but the id,
     * {@code raw} and the ingest time, which are the costly ones to read and never a feature.
     */
    public static final String[] DEFINITION_COLUMNS = {"time", "tenant", "class_uid", "operation", "principal",
        "src_ip", "user_agent", "host", "resource_type", "resource_id", "outcome", "bytes_in", "bytes_out",
        "cpu_pct", "mem_pct"};

    /**
     * Reads an event back from a bronze row (columns by name). A row of {@link #DEFINITION_COLUMNS}
     * only gives an event with an empty id and no raw fields.
     */
    public static ActivityEvent event(Row r) {
        scala.Option<Object> rawField = r.schema().getFieldIndex("raw");
        Map<String, String> raw = rawField.isEmpty() || r.isNullAt((Integer) rawField.get()) ? Map.of()
                : scala.jdk.javaapi.CollectionConverters.asJava(r.<String, String>getMap((Integer) rawField.get()));
        String id = r.schema().getFieldIndex("event_id").isDefined() ? r.getAs("event_id") : "";
        return new ActivityEvent(id, r.getAs("time"), r.getAs("tenant"),
                EventClass.fromUid(r.<Integer>getAs("class_uid")), r.getAs("operation"), r.getAs("principal"),
                r.getAs("src_ip"), r.getAs("user_agent"), r.getAs("host"),
                ResourceType.fromWire(r.getAs("resource_type")), r.getAs("resource_id"),
                Outcome.fromWire(r.getAs("outcome")), r.<Long>getAs("bytes_in"), r.<Long>getAs("bytes_out"),
                r.getAs("cpu_pct"), r.getAs("mem_pct"), raw);
    }
}
