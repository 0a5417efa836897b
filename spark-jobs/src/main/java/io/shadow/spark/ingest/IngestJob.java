package io.shadow.spark.ingest;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import io.shadow.features.json.TransferLimit;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.Counts;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.EventRows;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Landing zone → bronze. A Structured Streaming query with {@code availableNow} reads every NDJSON
 * file that arrived since the last run (the checkpoint remembers which), parses each line with
 * the shared {@link EventCodec}, MERGEs valid events into {@code bronze/events} on
 * {@code event_id} (so a re-sent or re-read event lands once), and appends lines that do not parse
 * or validate to {@code bronze/quarantine} with the reason and the raw text. Good lines of a file
 * land even when other lines of it are bad. An event dated more than {@link #MAX_AHEAD} after the
 * run is quarantined too: the features' spans run to the newest bucket of the data, so one event
 * dated 2099 would have every entity's baseline count quiet buckets until then. So is an event
 * reporting more than {@code maxTransferBytes} (default {@link TransferLimit#DEFAULT_MAX_BYTES}) in
 * {@code bytes_in} or {@code bytes_out}: one absurd value would stretch its entities' baselines.
 * An event without {@code tenant} is quarantined, naming the field as the scorer does, unless a
 * default tenant is given (the scorer's {@code scorer.default-tenant}): baselines learned for a
 * guessed tenant would never judge a live event. A data-dir moved or restored elsewhere (the
 * checkpoint names its files by their old paths) is found before the stream starts: the checkpoint is
 * set aside and the landing zone read again, events already stored landing once and lines already
 * quarantined not appended again ({@link Result#relocatedFrom()}).
 */
public final class IngestJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestJob.class);
    /** How far ahead of the ingest's clock an event's time may be (agents' clocks drift; dates do not). */
    public static final java.time.Duration MAX_AHEAD = java.time.Duration.ofDays(1);

    private final SparkSession spark;
    private final TableCatalog catalog;
    private final String landingEvents;
    private final long maxTransferBytes;
    private final String defaultTenant;

    /**
     * Rows counted by one run; {@code relocatedFrom}: the folder the checkpoint had read its files in when
     * that was not the landing zone (the data-dir moved), whose files this run read again; else null.
     * {@code newEvents}: per event date, the events this run stored that were not stored before (a
     * re-sent or re-read event is not counted), so a run can tell which dates' features miss some.
     */
    public record Result(long batches, long events, long quarantined,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String relocatedFrom,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
            java.util.SortedMap<java.time.LocalDate, Long> newEvents) implements Figures {
        public Result {
            newEvents = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(
                    newEvents == null ? java.util.Map.of() : newEvents));
        }

        public Result(long batches, long events, long quarantined) {
            this(batches, events, quarantined, null, null);
        }

        @Override
        public List<Figure> figures() {
            List<Figure> out = new ArrayList<>(List.of(Figure.count("Events ingested", events, "event"),
                    Figure.count("Landing batches read", batches, "batch", "batches"),
                    Figure.count("Events quarantined", quarantined, "event")));
            if (!newEvents.isEmpty()) {
                out.add(new Figure("New events by date", newEventsNote()));
            }
            if (relocatedFrom != null) {
                out.add(new Figure("Read again", relocatedNote()));
            }
            return out;
        }

        private String newEventsNote() {
            return newEvents.entrySet().stream().map(e -> Counts.number(e.getValue()) + " on " + e.getKey())
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        private String relocatedNote() {
            return "the checkpoint had read its files in " + relocatedFrom + " (the data-dir moved), so the landing "
                    + "zone was read again; events already stored land once";
        }

        /** One line for the nightly progress output; the report keeps the fields. */
        @Override
        public String toString() {
            return Counts.of(events, "event") + " in " + Counts.of(batches, "batch", "batches") + ", "
                    + Counts.number(quarantined) + " quarantined" + (relocatedFrom == null ? "" : "; " + relocatedNote());
        }
    }

    public IngestJob(SparkSession spark, TableCatalog catalog, String landingEventsDir) {
        this(spark, catalog, landingEventsDir, TransferLimit.DEFAULT_MAX_BYTES);
    }

    public IngestJob(SparkSession spark, TableCatalog catalog, String landingEventsDir, long maxTransferBytes) {
        this(spark, catalog, landingEventsDir, maxTransferBytes, null);
    }

    /** @param defaultTenant the tenant of events that name none; null: such events are quarantined */
    public IngestJob(SparkSession spark, TableCatalog catalog, String landingEventsDir, long maxTransferBytes,
            String defaultTenant) {
        this.spark = spark;
        this.catalog = catalog;
        this.landingEvents = landingEventsDir;
        this.maxTransferBytes = maxTransferBytes;
        this.defaultTenant = defaultTenant == null || defaultTenant.isBlank() ? null : defaultTenant;
    }

    public Result run() {
        DeltaTables.ensure(spark, catalog, ShadowTable.EVENTS);
        DeltaTables.ensure(spark, catalog, ShadowTable.QUARANTINE);
        makeDirs(landingEvents);
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        String checkpoint = catalog.checkpoint("ingest");
        String relocatedFrom = LandingCheckpoint.recordedElsewhere(conf, checkpoint, landingEvents);
        if (relocatedFrom != null) {
            String aside = LandingCheckpoint.setAside(conf, checkpoint);
            LOG.warn("the ingest checkpoint read its files in {}, not in the landing zone {} (the data-dir moved): "
                    + "moved it to {}; reading the landing zone again (events already stored land once)",
                    relocatedFrom, landingEvents, aside);
        }
        boolean rereading = relocatedFrom != null || LandingCheckpoint.rereading(conf, checkpoint);
        long[] counts = new long[3];
        java.util.SortedMap<java.time.LocalDate, Long> newEvents = new java.util.TreeMap<>();
        Dataset<Row> lines = spark.readStream().format("text").option("maxFilesPerTrigger", 500)
                .load(landingEvents)
                .select(col("value"), col("_metadata.file_path").as("source_file"));
        VoidFunction2<Dataset<Row>, Long> writeBatch = (batch, id) -> {
            long[] c = writeBatch(batch, rereading, newEvents);
            counts[0]++;
            counts[1] += c[0];
            counts[2] += c[1];
        };
        try {
            StreamingQuery q = lines.writeStream().queryName("shadow-ingest")
                    .option("checkpointLocation", checkpoint)
                    .trigger(Trigger.AvailableNow())
                    .foreachBatch(writeBatch)
                    .start();
            q.awaitTermination();
            if (rereading) {
                LandingCheckpoint.reread(conf, checkpoint);
            }
        } catch (TimeoutException | StreamingQueryException e) {
            throw new IllegalStateException("ingest from " + landingEvents + " failed: " + e.getMessage()
                    + "; nothing past the last completed batch was committed, re-run to resume", e);
        }
        return new Result(counts[0], counts[1], counts[2], relocatedFrom, newEvents);
    }

    private void makeDirs(String dir) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).mkdirs(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create landing zone " + dir, e);
        }
    }

    /**
     * Parses and writes one micro-batch; returns {events merged-in candidates, quarantined}. When
     * {@code rereading} files read before (a moved data-dir), a bad line already quarantined from a file
     * of the same name is not appended again. Adds the events not stored before to {@code newEvents}, per date.
     */
    private long[] writeBatch(Dataset<Row> batch, boolean rereading,
            java.util.SortedMap<java.time.LocalDate, Long> newEvents) {
        StructType events = DeltaTables.schema(ShadowTable.EVENTS);
        // a parsed line is either an event or an error, so every column may be null here
        StructType parsed = new StructType(java.util.Arrays.stream(events.fields())
                .map(f -> f.copy(f.name(), f.dataType(), true, f.metadata()))
                .toArray(org.apache.spark.sql.types.StructField[]::new))
                .add("__error", DataTypes.StringType, true)
                .add("__field", DataTypes.StringType, true)
                .add("__raw", DataTypes.StringType, true)
                .add("__source", DataTypes.StringType, true);
        Instant now = Instant.now();
        long maxBytes = maxTransferBytes;
        String tenant = defaultTenant;
        Dataset<Row> rows = batch.mapPartitions(
                (MapPartitionsFunction<Row, Row>) it -> parse(it, now, maxBytes, tenant, parsed), Encoders.row(parsed))
                .persist();
        try {
            Dataset<Row> good = rows.filter(col("__error").isNull())
                    .select(events.fieldNames()[0], java.util.Arrays.copyOfRange(events.fieldNames(), 1,
                            events.fieldNames().length))
                    .dropDuplicates("event_id");
            Dataset<Row> bad = rows.filter(col("__error").isNotNull()).select(
                    org.apache.spark.sql.functions.lit(java.sql.Timestamp.from(now)).cast("timestamp")
                            .as("received_at"),
                    col("__source").as("source_file"), col("__field").as("field"), col("__error").as("reason"),
                    col("__raw").as("raw_text"));
            if (rereading) {
                Dataset<Row> known = DeltaTables.read(spark, catalog, ShadowTable.QUARANTINE).select(
                        org.apache.spark.sql.functions.regexp_extract(col("source_file"), "[^/]*$", 0).as("k_file"),
                        col("raw_text").as("k_raw")).distinct();
                bad = bad.join(known, org.apache.spark.sql.functions.regexp_extract(col("source_file"), "[^/]*$", 0)
                        .equalTo(col("k_file")).and(col("raw_text").equalTo(col("k_raw"))), "left_anti");
            }
            long badCount = bad.count();
            if (badCount > 0) {
                bad.write().format("delta").mode("append").save(catalog.path(ShadowTable.QUARANTINE));
            }
            List<Object> dates = good.select("event_date").distinct().collectAsList().stream()
                    .map(r -> r.get(0)).toList();
            long goodCount = good.count();
            if (goodCount > 0) {
                if (dates.size() > 1) {
                    // which date each new event has: counted before the MERGE, against the same partitions
                    newEvents(good, dates).forEach((date, n) -> newEvents.merge(date, n, Long::sum));
                }
                org.apache.spark.sql.Column cond = col("t.event_id").equalTo(col("s.event_id"))
                        .and(col("t.event_date").equalTo(col("s.event_date")))
                        .and(col("t.event_date").isin(dates.toArray()));
                Row merged = DeltaTable.forPath(spark, catalog.path(ShadowTable.EVENTS)).as("t")
                        .merge(good.as("s"), cond)
                        .whenNotMatched().insertAll()
                        .execute().select("num_inserted_rows").head();
                if (dates.size() == 1 && merged.getLong(0) > 0) {
                    // one date, the usual batch: the MERGE's own count, without a second join
                    newEvents.merge(localDate(dates.get(0)), merged.getLong(0), Long::sum);
                }
            }
            return new long[] {goodCount, badCount};
        } finally {
            rows.unpersist();
        }
    }

    /** Per event date, the events of {@code good} not stored yet. */
    private java.util.Map<java.time.LocalDate, Long> newEvents(Dataset<Row> good, List<Object> dates) {
        Dataset<Row> stored = DeltaTables.read(spark, catalog, ShadowTable.EVENTS)
                .filter(col("event_date").isin(dates.toArray())).select("event_id", "event_date");
        java.util.Map<java.time.LocalDate, Long> out = new java.util.HashMap<>();
        for (Row r : good.join(stored, good.col("event_id").equalTo(stored.col("event_id"))
                .and(good.col("event_date").equalTo(stored.col("event_date"))), "left_anti")
                .groupBy("event_date").count().collectAsList()) {
            out.put(localDate(r.get(0)), r.getLong(1));
        }
        return out;
    }

    private static java.time.LocalDate localDate(Object v) {
        return v instanceof java.sql.Date d ? d.toLocalDate() : (java.time.LocalDate) v;
    }

    private static Iterator<Row> parse(Iterator<Row> in, Instant now, long maxTransferBytes, String defaultTenant,
            StructType parsed) {
        int n = parsed.size();
        List<Row> out = new ArrayList<>();
        while (in.hasNext()) {
            Row line = in.next();
            String text = line.getString(0);
            String source = line.getString(1);
            if (text == null || text.isBlank()) {
                continue;
            }
            Object[] v = new Object[n];
            try {
                // the scorer's rule (IntakeRules): without a default tenant, an event must name its own
                ActivityEvent e = EventCodec.parse(text, defaultTenant);
                if (e.time().isAfter(now.plus(MAX_AHEAD))) {
                    throw new EventFormatException("time", e.time() + " is more than " + MAX_AHEAD + " ahead of the "
                            + "ingest's clock (" + now + "); fix the sender's clock, then land the record again");
                }
                TransferLimit.check(e, maxTransferBytes, "Fix the sender (or raise scorer.max-transfer-bytes if single transfers "
                        + "this large are real), then land the record again");
                Object[] ev = EventRows.values(e, now);
                System.arraycopy(ev, 0, v, 0, ev.length);
            } catch (EventFormatException e) {
                v[n - 4] = e.getMessage();
                v[n - 3] = e.field();
                v[n - 2] = e.rawRecord() != null ? e.rawRecord() : text;
            } catch (RuntimeException e) {
                v[n - 4] = "unreadable event: " + e.getMessage();
                v[n - 2] = text;
            }
            v[n - 1] = source;
            out.add(RowFactory.create(v));
        }
        return out.iterator();
    }
}
