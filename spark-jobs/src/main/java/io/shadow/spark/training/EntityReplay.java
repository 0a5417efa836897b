package io.shadow.spark.training;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.features.signal.Anomaly;
import io.shadow.model.detect.Detector;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.spark.EventRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Replays one entity's history through the online {@link Detector}, in event-time order, inside a
 * Spark task: the offline anomalies are, by construction, the ones the scorer would have raised.
 */
final class EntityReplay {
    static final StructType ANOMALY = new StructType()
            .add("tenant", DataTypes.StringType, false)
            .add("entity_kind", DataTypes.StringType, false)
            .add("entity_id", DataTypes.StringType, false)
            .add("time", DataTypes.TimestampType, false)
            .add("event_id", DataTypes.StringType, false)
            .add("pattern", DataTypes.StringType, false)
            .add("score", DataTypes.DoubleType, false)
            .add("resource_type", DataTypes.StringType, false)
            .add("principal", DataTypes.StringType, true)
            .add("host", DataTypes.StringType, true)
            .add("src_ip", DataTypes.StringType, true)
            .add("user_agent", DataTypes.StringType, true);
    private static final String SEP = "\u0001";

    private EntityReplay() {
    }

    /** Every entity an event feeds, encoded as a grouping key. */
    static Set<String> entityKeys(ActivityEvent e) {
        Set<String> keys = new LinkedHashSet<>(2);
        FeatureDefinitions.contributions(e, (k, f, v) -> keys.add(encode(k)));
        FeatureDefinitions.noveltyValues(e, (k, a, v) -> keys.add(encode(k)));
        return keys;
    }

    static String encode(EntityKey k) {
        return k.tenant() + SEP + k.kind().wireName() + SEP + k.id();
    }

    static EntityKey decode(String s) {
        String[] p = s.split(SEP, 3);
        return new EntityKey(p[0], EntityKind.fromWire(p[1]), p[2]);
    }

    static Iterator<Row> replay(String key, Iterator<Row> rows, BaselineSnapshot snapshot, DetectorConfig cfg) {
        EntityKey entity = decode(key);
        List<ActivityEvent> events = new ArrayList<>();
        EventRows.Reader reader = null;
        while (rows.hasNext()) {
            Row r = rows.next();
            if (reader == null) { // one group's rows share one schema: positions looked up once
                reader = new EventRows.Reader(r.schema());
            }
            events.add(reader.event(r));
        }
        events.sort(Comparator.comparing(ActivityEvent::time).thenComparing(ActivityEvent::eventId));
        Detector detector = new Detector(cfg, snapshot);
        List<Row> out = new ArrayList<>();
        for (ActivityEvent e : events) {
            for (Anomaly a : detector.observe(e)) {
                if (a.entity().equals(entity)) {
                    out.add(RowFactory.create(entity.tenant(), entity.kind().wireName(), entity.id(), a.time(),
                            a.eventId(), a.pattern(), a.score(), a.resourceType().wireName(), a.principal(), a.host(),
                            a.srcIp(), a.userAgent()));
                }
            }
        }
        return out.iterator();
    }

    static Instant time(Row r) {
        return r.getAs("time");
    }
}
