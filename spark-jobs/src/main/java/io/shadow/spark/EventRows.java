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
import org.apache.spark.sql.types.StructType;

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

    /** {@link #DEFINITION_COLUMNS} and the partition column {@code event_date}. */
    public static final String[] DEFINITION_COLUMNS_AND_DATE = java.util.stream.Stream.concat(
            java.util.Arrays.stream(DEFINITION_COLUMNS), java.util.stream.Stream.of("event_date"))
            .toArray(String[]::new);

    /**
     * Reads events back from bronze rows of one schema, with the columns' positions looked up once
     * instead of by name for every field of every row (the offline scans read millions). A row of
     * {@link #DEFINITION_COLUMNS} only gives an event with an empty id and no raw fields. Serializable,
     * so one built on the driver from a dataset's schema serves every task.
     */
    public static final class Reader implements java.io.Serializable {
        private final int id;
        private final int raw;
        private final int[] at = new int[DEFINITION_COLUMNS.length];

        public Reader(StructType schema) {
            scala.Option<Object> idField = schema.getFieldIndex("event_id");
            scala.Option<Object> rawField = schema.getFieldIndex("raw");
            id = idField.isEmpty() ? -1 : (Integer) idField.get();
            raw = rawField.isEmpty() ? -1 : (Integer) rawField.get();
            for (int i = 0; i < at.length; i++) {
                at[i] = schema.fieldIndex(DEFINITION_COLUMNS[i]);
            }
        }

        public ActivityEvent event(Row r) {
            Map<String, String> fields = raw < 0 || r.isNullAt(raw) ? Map.of()
                    : scala.jdk.javaapi.CollectionConverters.asJava(r.<String, String>getMap(raw));
            return new ActivityEvent(id < 0 ? "" : r.getString(id), r.getAs(at[0]), r.getString(at[1]),
                    EventClass.fromUid(r.getInt(at[2])), r.getString(at[3]), r.getString(at[4]), r.getString(at[5]),
                    r.getString(at[6]), r.getString(at[7]), ResourceType.fromWire(r.getString(at[8])),
                    r.getString(at[9]), Outcome.fromWire(r.getString(at[10])), r.getLong(at[11]), r.getLong(at[12]),
                    r.getAs(at[13]), r.getAs(at[14]), fields);
        }
    }
}
