package io.shadow.spark.baseline;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Removes activity inside confirmed incidents and incidents nobody has reviewed yet (an attack the
 * emergency path stopped while nobody looked is still an attack), so attacks never become part of
 * "normal"; only an incident someone other than the entity rejected is benign again. An
 * incident's recorded window runs from its first acted-on anomaly to its last, but an attack starts
 * before it is detected and goes on while users decide. Both widen the window by {@link #LEAD}
 * before: a slow ramp's first buckets (an exfiltration growing 15 % a minute, below the low band
 * for its first minutes) made part of the baseline let the same attack a week later pass unseen.
 * Novelty profiles also widen it by {@link #TRAIL} after (one sighting of an attacker's address or
 * client would make it "usual" next time); baselines, robust statistics that a few buckets barely
 * move, by one bucket after, so an entity's benign activity after an incident still counts.
 */
public final class IncidentWindows {
    /** Activity this long before an incident's first anomaly counts as part of it (novelty and baselines). */
    public static final Duration LEAD = Duration.ofHours(1);
    /** For novelty: activity this long after an incident's last anomaly counts as part of it. */
    public static final Duration TRAIL = Duration.ofHours(1);

    private IncidentWindows() {
    }

    /**
     * The windows of confirmed and of unreviewed incidents per entity ({@link #entityKey}), widened by
     * {@code leadSeconds} before their first anomaly and {@code trailSeconds} after their last, as
     * inclusive {@code [from, to]} epoch microseconds: few enough to ship to every task. Read on the
     * driver with Delta Kernel: the tables are small (one row per incident), and a Spark read would
     * cost a snapshot and several small jobs in each of the three steps that call this. A table not
     * written yet (no feedback import so far) adds nothing.
     */
    static Map<String, List<long[]>> notNormal(SparkSession spark, TableCatalog catalog, long leadSeconds,
            long trailSeconds) {
        Map<String, List<long[]>> out = new HashMap<>();
        KernelTableReader reader = new KernelTableReader(spark.sparkContext().hadoopConfiguration());
        java.util.function.Consumer<KernelTableReader.NamedRow> add = r -> {
            long from = micros(r.instant("start_time")) - leadSeconds * 1_000_000L;
            long to = micros(r.instant("end_time")) + trailSeconds * 1_000_000L;
            out.computeIfAbsent(entityKey(r.string("tenant"), r.string("entity_kind"), r.string("entity_id")),
                    k -> new ArrayList<>()).add(new long[] {from, to});
        };
        reader.scan(catalog.path(ShadowTable.INCIDENTS), r -> {
            if (!r.isNull("label") && r.intValue("label") == 1) {
                add.accept(r);
            }
        });
        reader.scan(catalog.path(ShadowTable.UNREVIEWED_INCIDENTS), add);
        return out;
    }

    static String entityKey(String tenant, String kind, String id) {
        return tenant + '\u0001' + kind + '\u0001' + id;
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}
