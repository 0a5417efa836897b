package io.shadow.spark.baseline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per-date partial novelty counts ({@code silver/novelty_partials}): for each bronze date, entity,
 * attribute and value, how often it was seen and when first and last, outside confirmed incidents
 * (widened by {@link IncidentWindows#LEAD} and {@link IncidentWindows#TRAIL}). The features step
 * counts them in the same pass over the date's events; the novelty profiles are the merge of every
 * date's partials. Each date's partials carry a fingerprint of what they counted: the date's bronze
 * files (late events merged into an old date add files) and the incident windows that touch the
 * date (an incident confirmed later changes it), and the attributes counted (a build that counts a new one
 * counts every date again once). A date whose partials are missing or whose
 * fingerprint no longer matches is counted again from bronze, so the merge always equals a count
 * over all of bronze with today's incidents.
 */
public final class NoveltyPartials {
    /** Rows of one task's counts, before the per-date aggregation. */
    static final StructType COUNTS = new StructType()
            .add("tenant", DataTypes.StringType, false)
            .add("entity_kind", DataTypes.StringType, false)
            .add("entity_id", DataTypes.StringType, false)
            .add("attribute", DataTypes.StringType, false)
            .add("value", DataTypes.StringType, false)
            .add("event_date", DataTypes.DateType, false)
            .add("count", DataTypes.LongType, false)
            .add("first_seen", DataTypes.TimestampType, false)
            .add("last_seen", DataTypes.TimestampType, false);
    /** A task hands its counts on when it holds this many keys (an entity shows a handful of values). */
    private static final int PARTIAL_KEYS = 200_000;
    private static final long DAY_MICROS = 86_400L * 1_000_000L;

    private NoveltyPartials() {
    }

    /** Today's confirmed and unreviewed incident windows as novelty sees them, per entity ({@link IncidentWindows#entityKey}). */
    public static Map<String, List<long[]>> incidents(SparkSession spark, TableCatalog catalog) {
        return IncidentWindows.notNormal(spark, catalog, IncidentWindows.LEAD.toSeconds(),
                IncidentWindows.TRAIL.toSeconds());
    }

    /** The bronze snapshot the partials are counted from: its version and each date's fingerprint. */
    public record Bronze(long version, Map<LocalDate, String> sources) {
    }

    /**
     * Lists bronze's files (from the Delta log, no data read) and fingerprints every date with the
     * incident windows touching it. Read bronze at {@link Bronze#version()} so the data counted is
     * the data fingerprinted.
     */
    public static Bronze bronze(SparkSession spark, TableCatalog catalog, Map<String, List<long[]>> incidents) {
        KernelTableReader.TableFiles files = new KernelTableReader(spark.sparkContext().hadoopConfiguration())
                .files(catalog.path(ShadowTable.EVENTS));
        Map<LocalDate, List<String>> perDate = new TreeMap<>();
        for (KernelTableReader.DataFile f : files.files()) {
            String date = f.partitionValues().get("event_date");
            if (date == null) {
                throw new IllegalStateException("bronze file " + f.path() + " has no event_date partition value ("
                        + f.partitionValues() + "); novelty partials need bronze partitioned by event_date");
            }
            perDate.computeIfAbsent(LocalDate.parse(date), d -> new ArrayList<>()).add(f.path() + '\t' + f.size()
                    + '\t' + f.deletionVector());
        }
        Map<LocalDate, String> sources = new TreeMap<>();
        perDate.forEach((date, paths) -> sources.put(date, fingerprint(date, paths, incidents)));
        return new Bronze(files.version(), sources);
    }

    /** A date's bronze files and the incident windows overlapping it, hashed (the date is part of it). */
    static String fingerprint(LocalDate date, List<String> files, Map<String, List<long[]>> incidents) {
        long from = date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
        long to = from + DAY_MICROS - 1;
        List<String> lines = new ArrayList<>(files);
        lines.sort(null);
        List<String> windows = new ArrayList<>();
        incidents.forEach((entity, ws) -> {
            for (long[] w : ws) {
                if (w[0] <= to && w[1] >= from) {
                    windows.add("incident\t" + entity + '\t' + w[0] + '\t' + w[1]);
                }
            }
        });
        windows.sort(null);
        lines.addAll(windows);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("date\t" + date + '\n').getBytes(StandardCharsets.UTF_8));
            // what is counted: a build that counts another attribute (RESOURCE, added 2026-11-27) counts every date
            // again on its first night, so the profiles never hold an attribute for recent dates only
            sha.update(("attributes\t" + Arrays.toString(NoveltyAttribute.values()) + '\n')
                    .getBytes(StandardCharsets.UTF_8));
            for (String l : lines) {
                sha.update((l + '\n').getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Counts the partials of the given bronze rows (definition columns and {@code event_date}) on
     * their own, one pass; the features step counts them in its own pass instead (see {@link Counter}).
     */
    static Dataset<Row> count(Dataset<Row> events, Map<String, List<long[]>> incidents) {
        StructType schema = events.schema();
        Dataset<Row> counts = events.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            EventRows.Reader reader = new EventRows.Reader(schema);
            int date = schema.fieldIndex("event_date");
            Counter c = new Counter(incidents);
            List<Row> out = new ArrayList<>();
            Sink sink = (k, a, v, d, n, first, last) -> out.add(RowFactory.create(k.tenant(), k.kind().wireName(),
                    k.id(), a.wireName(), v, d, n, first, last));
            while (rows.hasNext()) {
                Row r = rows.next();
                c.add(reader.event(r), r.get(date), sink);
            }
            c.flush(sink);
            return out.iterator();
        }, Encoders.row(COUNTS));
        return merge(counts);
    }

    /** Sums tasks' counts per date, entity, attribute and value. */
    public static Dataset<Row> merge(Dataset<Row> counts) {
        return counts.groupBy("tenant", "entity_kind", "entity_id", "attribute", "value", "event_date")
                .agg(sum("count").as("count"), min("first_seen").as("first_seen"), max("last_seen").as("last_seen"));
    }

    /** Adds each date's fingerprint to its partials, ready for the partials table. */
    public static Dataset<Row> withSources(SparkSession spark, Dataset<Row> partials, Map<LocalDate, String> sources) {
        List<Row> rows = new ArrayList<>();
        sources.forEach((d, s) -> rows.add(RowFactory.create(d, s)));
        Dataset<Row> keys = spark.createDataFrame(rows, new StructType().add("event_date", DataTypes.DateType, false)
                .add("source", DataTypes.StringType, false));
        return partials.join(org.apache.spark.sql.functions.broadcast(keys), "event_date");
    }

    /** The SQL predicate selecting the given dates' partitions. */
    public static String datesPredicate(java.util.Collection<LocalDate> dates) {
        StringBuilder sb = new StringBuilder("event_date IN (");
        String sep = "";
        for (LocalDate d : dates) {
            sb.append(sep).append("DATE'").append(d).append('\'');
            sep = ", ";
        }
        return sb.append(')').toString();
    }

    /** Receives one task's count of a value. */
    @FunctionalInterface
    public interface Sink {
        void accept(EntityKey entity, NoveltyAttribute attribute, String value, Object date, long count,
                Instant first, Instant last);
    }

    /**
     * One task's counts: (entity, attribute, value, date) → count, first, last, outside incidents.
     * Held per entity and date, then per attribute and value: an event's values are one entity's,
     * so an event costs one lookup of its entity and small ones of its values. Handed on when it
     * holds {@link #PARTIAL_KEYS} keys and at the end.
     */
    public static final class Counter {
        private static final NoveltyAttribute[] ATTRIBUTES = NoveltyAttribute.values();
        private final Map<String, List<long[]>> incidents;
        private final Map<EntityDate, Values[]> seen = new HashMap<>();
        private int keys;
        private EntityKey lastEntity;
        private Values[] lastValues;
        private List<long[]> lastWindows;

        public Counter(Map<String, List<long[]>> incidents) {
            this.incidents = incidents;
        }

        /** Counts one event of bronze date {@code date}; may hand counts on to {@code out}. */
        public void add(ActivityEvent e, Object date, Sink out) {
            long micros = IncidentWindows.micros(e.time());
            lastEntity = null;
            FeatureDefinitions.noveltyValues(e, (k, a, v) -> {
                if (k != lastEntity) { // the definitions pass one key object per entity and event
                    lastEntity = k;
                    lastWindows = incidents.isEmpty() ? null
                            : incidents.get(IncidentWindows.entityKey(k.tenant(), k.kind().wireName(), k.id()));
                    lastValues = seen.computeIfAbsent(new EntityDate(k, date), x -> new Values[ATTRIBUTES.length]);
                }
                if (lastWindows != null && inIncident(lastWindows, micros)) {
                    return;
                }
                Values values = lastValues[a.ordinal()];
                if (values == null) {
                    values = lastValues[a.ordinal()] = new Values();
                }
                long[] c = values.get(v);
                if (c == null) {
                    c = values.add(v);
                    keys++;
                }
                c[0]++;
                c[1] = Math.min(c[1], micros);
                c[2] = Math.max(c[2], micros);
            });
            if (keys >= PARTIAL_KEYS) {
                flush(out);
            }
        }

        /** Hands on every count held. */
        public void flush(Sink out) {
            seen.forEach((k, byAttribute) -> {
                for (int a = 0; a < byAttribute.length; a++) {
                    Values values = byAttribute[a];
                    for (int i = 0; values != null && i < values.size; i++) {
                        long[] c = values.counts[i];
                        out.accept(k.entity(), ATTRIBUTES[a], values.values[i], k.date(), c[0], instant(c[1]),
                                instant(c[2]));
                    }
                }
            });
            seen.clear();
            keys = 0;
            lastEntity = null;
        }
    }

    private record EntityDate(EntityKey entity, Object date) {
    }

    /**
     * One entity's values of one attribute with their counts (count, first, last). Most entities
     * show a handful of values, for which a list compared by content beats hashing each event's new
     * string; past {@link #LINEAR} values (a host with many processes) a hash index takes over.
     */
    private static final class Values {
        static final int LINEAR = 16;
        String[] values = new String[4];
        long[][] counts = new long[4][];
        int size;
        Map<String, Integer> index;

        long[] get(String v) {
            if (index != null) {
                Integer i = index.get(v);
                return i == null ? null : counts[i];
            }
            for (int i = 0; i < size; i++) {
                if (values[i].equals(v)) {
                    return counts[i];
                }
            }
            return null;
        }

        long[] add(String v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            if (index == null && size == LINEAR) {
                index = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    index.put(values[i], i);
                }
            }
            if (index != null) {
                index.put(v, size);
            }
            values[size] = v;
            return counts[size++] = new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE};
        }
    }

    private static boolean inIncident(List<long[]> windows, long micros) {
        if (windows != null) {
            for (long[] w : windows) {
                if (micros >= w[0] && micros <= w[1]) {
                    return true;
                }
            }
        }
        return false;
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** Reads the partials whose fingerprints match {@code sources} (stale and orphaned dates left out). */
    static Dataset<Row> current(SparkSession spark, TableCatalog catalog, Map<LocalDate, String> sources) {
        return DeltaTables.read(spark, catalog, ShadowTable.NOVELTY_PARTIALS)
                .filter(col("source").isin(sources.values().toArray()));
    }
}
