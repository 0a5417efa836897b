package io.shadow.spark.intel;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.delta.tables.DeltaTable;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.intel.FeedBatch;
import io.shadow.model.intel.Indicator;
import io.shadow.model.intel.NetworkScope;
import io.shadow.model.intel.ThreatFeeds;
import io.shadow.model.intel.taxii.TaxiiClient;
import io.shadow.model.intel.taxii.TaxiiCursors;
import io.shadow.model.intel.taxii.TaxiiSettings;
import io.shadow.spark.Counts;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import io.shadow.spark.StepWarnings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Feeds → {@code threat_indicators}. Reads the configured files (STIX bundles, plain and CSV lists)
 * and TAXII collections (only objects added since the last sync), and MERGEs them keyed by
 * {@code indicator_id}, so a re-run changes nothing and a newer version of a feed object updates its
 * rows. Three things withdraw an indicator ({@code revoked = true}, kept for the record): a revoked
 * STIX version, a newer version of the same object that no longer names the value, and, for list
 * feeds (full snapshots), the value missing from the current lists (or its file gone from the config). TAXII cursors are saved only
 * after the MERGE committed.
 */
public final class ThreatIntelSyncJob {
    private final SparkSession spark;
    private final TableCatalog catalog;
    private final List<Path> feeds;
    private final TaxiiSettings taxii;
    private final Clock clock;
    private final java.time.Duration maxHeld;
    private final NetworkScope scope;

    /**
     * What a sync did. {@code skipped} counts the entries of the feeds read that were not loaded: the
     * unusable ones (unsupported patterns, bad lines) and the network indicators out of the {@link
     * NetworkScope} (too broad, private or reserved space), {@code skippedBy} the same per reason
     * ({@code unusable}, {@code too broad}, {@code private}, ...); {@code problems} names the first
     * unusable ones; {@code refused} names each feed file not read at all (unreadable, or nothing usable in it), whose indicators stay as the last sync left them, for up to
     * {@code maxHeld} of refusals. {@code warnings}: each feed refused or held back, with until when what it
     * listed stays active, and each feed with network indicators out of scope, naming them (the run report's
     * warnings, so that a broken feed is heard of before it is withdrawn, and a bogon list is heard of at all).
     */
    public record Result(int fetched, int skipped, Map<String, Integer> skippedBy, long active, long revoked,
            List<String> sources, List<String> problems, List<String> refused, java.time.Duration maxHeld,
            @com.fasterxml.jackson.annotation.JsonIgnore List<String> warnings) implements Figures, StepWarnings {
        public Result {
            skippedBy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(skippedBy));
            sources = List.copyOf(sources);
            problems = List.copyOf(problems);
            refused = List.copyOf(refused);
            warnings = List.copyOf(warnings);
        }

        /** Without warnings: every feed read. */
        public Result(int fetched, int skipped, long active, long revoked, List<String> sources,
                List<String> problems, List<String> refused, java.time.Duration maxHeld) {
            this(fetched, skipped, skipped == 0 ? Map.of() : Map.of(UNUSABLE, skipped), active, revoked, sources,
                    problems, refused, maxHeld, List.of());
        }

        /** " (2 unusable, 1 too broad, 1 private)"; empty when nothing, or only unusable entries, were skipped. */
        private String reasons() {
            if (skippedBy.keySet().stream().allMatch(UNUSABLE::equals)) {
                return "";
            }
            return " (" + String.join(", ", skippedBy.entrySet().stream()
                    .map(e -> Counts.number(e.getValue()) + " " + e.getKey()).toList()) + ")";
        }

        @Override
        public List<Figure> figures() {
            List<Figure> out = new ArrayList<>(List.of(Figure.count("Indicators fetched", fetched, "indicator"),
                    new Figure("Sources", sources.isEmpty() ? "none" : String.join(", ", sources)),
                    new Figure("Entries skipped", Counts.of(skipped, "entry", "entries") + reasons()),
                    Figure.count("Active in the table", active, "indicator"),
                    Figure.count("Revoked in the table", revoked, "indicator")));
            if (!problems.isEmpty()) {
                out.add(new Figure("First problem", problems.get(0)));
            }
            if (!refused.isEmpty()) {
                out.add(new Figure("Files refused", String.join("; ", refused)));
            }
            return out;
        }

        @Override
        public String toString() {
            return Counts.of(fetched, "indicator") + " fetched from " + (sources.isEmpty() ? "no feed"
                    : String.join(", ", sources)) + ", " + Counts.number(skipped) + " skipped" + reasons()
                    + (problems.isEmpty() ? "" : " (e.g. " + problems.get(0) + ")")
                    + (refused.isEmpty() ? "" : "; " + Counts.of(refused.size(), "file") + " refused, "
                            + (refused.size() == 1 ? "its" : "their") + " indicators kept as last synced (for up to "
                            + describe(maxHeld) + " of refusals): "
                            + String.join("; ", refused))
                    + "; table: " + Counts.number(active) + " active, " + Counts.number(revoked) + " revoked";
        }
    }

    /** The reason counted for an entry that cannot be read as an indicator (a bad line, an unsupported pattern). */
    public static final String UNUSABLE = "unusable";

    /** Holding refused lists back for {@link #DEFAULT_MAX_HELD}. */
    public ThreatIntelSyncJob(SparkSession spark, TableCatalog catalog, List<Path> feeds, TaxiiSettings taxii,
            Clock clock) {
        this(spark, catalog, feeds, taxii, clock, DEFAULT_MAX_HELD);
    }

    /** Refusing network indicators out of {@link NetworkScope#DEFAULT}. */
    public ThreatIntelSyncJob(SparkSession spark, TableCatalog catalog, List<Path> feeds, TaxiiSettings taxii,
            Clock clock, java.time.Duration maxHeld) {
        this(spark, catalog, feeds, taxii, clock, maxHeld, NetworkScope.DEFAULT);
    }

    /**
     * @param taxii null when no TAXII server is configured
     * @param maxHeld how long a list refused (or read short) at every sync keeps what it listed active
     *     ({@code intel.max-held}); positive
     * @param scope the network indicators that may be loaded ({@code intel.min-prefix-ipv4/-ipv6}); the
     *     others are skipped, counted per reason and warned about per feed
     */
    public ThreatIntelSyncJob(SparkSession spark, TableCatalog catalog, List<Path> feeds, TaxiiSettings taxii,
            Clock clock, java.time.Duration maxHeld, NetworkScope scope) {
        if (maxHeld == null || maxHeld.isNegative() || maxHeld.isZero()) {
            throw new IllegalArgumentException("invalid intel.max-held = " + maxHeld
                    + "; expected a positive ISO-8601 duration such as P7D (the default) or PT36H");
        }
        this.spark = spark;
        this.catalog = catalog;
        this.feeds = List.copyOf(feeds);
        this.taxii = taxii;
        this.clock = clock;
        this.maxHeld = maxHeld;
        this.scope = java.util.Objects.requireNonNull(scope, "scope");
    }

    public Result run() {
        List<FeedBatch> batches = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        // sources whose rows are not withdrawn by this sync, with why
        Map<String, String> held = new LinkedHashMap<>();
        Map<String, Long> listedBefore = activeListEntries();
        for (Path f : feeds) {
            FeedBatch b;
            try {
                b = ThreatFeeds.read(f, scope);
            } catch (RuntimeException e) {
                held.put(f.getFileName().toString(), e.getMessage());
                refused.add(e.getMessage());
                continue;
            }
            batches.add(b);
            if (ThreatFeeds.mostlyUnusable(b)) {
                // a changed format or a broken download: what it lacks was not necessarily delisted
                problems.add("threat feed " + f + ": " + b.skipped().size() + " of " + (b.skipped().size()
                        + b.indicators().size()) + " entries are unusable (first: " + b.skipped().get(0) + "); its "
                        + b.indicators().size() + " usable ones are synced, and nothing it listed before is "
                        + "withdrawn until most of it reads again; its format may have changed: fix the file or "
                        + "remove it from intel.feeds");
                held.put(b.source(), problems.get(problems.size() - 1));
            } else if (shrankByHalf(b, listedBefore.getOrDefault(b.source(), 0L))) {
                // a download cut short reads cleanly but lacks most entries: that is no delisting either
                problems.add("threat feed " + f + " lists " + Counts.of(b.indicators().size(), "indicator")
                        + ", fewer than half of the " + Counts.number(listedBefore.get(b.source()))
                        + " it listed at the last sync (a download cut short?); they are synced, and nothing it "
                        + "listed before is withdrawn until it lists at least half as many again. If the list "
                        + "really shrank, remove the file from intel.feeds for one night (which withdraws all it "
                        + "listed) and add it back");
                held.put(b.source(), problems.get(problems.size() - 1));
            }
        }
        TaxiiCursorFile cursorFile = new TaxiiCursorFile(catalog, spark.sparkContext().hadoopConfiguration());
        TaxiiCursors cursors = taxii == null ? null : cursorFile.read();
        List<TaxiiClient.CollectionSync> syncs = taxii == null ? List.of()
                : new TaxiiClient(taxii, scope).sync(cursors);
        syncs.forEach(s -> batches.add(s.batch()));

        Instant now = clock.instant();
        Map<String, Indicator> latest = new LinkedHashMap<>(); // a MERGE source must hold each key once
        Map<String, Instant> versions = new HashMap<>();
        int skipped = 0;
        Map<String, Integer> skippedBy = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (FeedBatch b : batches) {
            for (Indicator i : b.indicators()) {
                latest.merge(i.id(), i, (old, neu) -> newer(neu, old) ? neu : old);
            }
            b.versions().forEach((id, v) -> versions.merge(id, v, (x, y) -> x.isAfter(y) ? x : y));
            skipped += b.skipped().size() + b.refused().size();
            if (!b.skipped().isEmpty()) {
                skippedBy.merge(UNUSABLE, b.skipped().size(), Integer::sum);
            }
            b.refused().forEach(r -> skippedBy.merge(r.refusal().reason(), 1, Integer::sum));
            b.skipped().stream().limit(Math.max(0, 5 - problems.size())).forEach(problems::add);
            outOfScope(b).ifPresent(warnings::add);
        }
        // a list held back for maxHeld (refused, or read short, at every sync since) is held no longer:
        // what it does not name now is withdrawn, as for any list
        StateFile heldFile = new StateFile(catalog, "held-feeds.json", spark.sparkContext().hadoopConfiguration(),
                "threat feed hold state");
        Map<String, Instant> heldSince = new java.util.TreeMap<>();
        Map<String, Instant> before = heldSince(heldFile);
        held.keySet().forEach(source -> heldSince.put(source, before.getOrDefault(source, now)));
        List<String> stillHeld = new ArrayList<>();
        for (Map.Entry<String, Instant> h : heldSince.entrySet()) {
            if (now.isBefore(h.getValue().plus(maxHeld))) {
                stillHeld.add(h.getKey());
                warnings.add(held.get(h.getKey()) + ". What it listed stays active as last synced until "
                        + h.getValue().plus(maxHeld) + " (intel.max-held = " + describe(maxHeld) + " from its first "
                        + "refusal or hold, " + h.getValue() + "); after that, what no readable list names is withdrawn");
                continue;
            }
            warnings.add(held.get(h.getKey()) + ". It has been refused or held back at every sync since "
                    + h.getValue() + ", longer than intel.max-held = " + describe(maxHeld) + ": what it listed and no "
                    + "readable list names is withdrawn tonight");
            long withdrawn = unnamedEntries(h.getKey(), latest.keySet());
            if (withdrawn > 0) {
                problems.add(0, "threat feed " + h.getKey() + " has been refused or held back at every sync since "
                        + h.getValue() + " (intel.max-held = " + describe(maxHeld) + "): its " + Counts.of(withdrawn,
                        "list entry", "list entries") + " no readable list names are withdrawn; fix the file or "
                        + "remove it from intel.feeds");
            }
        }
        merge(latest.values(), stillHeld, now);
        writeHeldSince(heldFile, heldSince);
        supersede(versions, now);
        if (taxii != null) {
            syncs.forEach(s -> cursors.advance(s.collection().objectsUrl().toString(), s.dateAddedLast()));
            cursorFile.write(cursors);
        }
        List<Row> counts = DeltaTables.read(spark, catalog, ShadowTable.THREAT_INDICATORS).groupBy("revoked").count()
                .collectAsList();
        long active = counts.stream().filter(r -> !r.getBoolean(0)).mapToLong(r -> r.getLong(1)).sum();
        long revoked = counts.stream().filter(r -> r.getBoolean(0)).mapToLong(r -> r.getLong(1)).sum();
        return new Result(latest.size(), skipped, skippedBy, active, revoked,
                batches.stream().map(FeedBatch::source).toList(), problems, refused, maxHeld, warnings);
    }

    /** The most out-of-scope entries one warning names; the rest are counted. */
    static final int OUT_OF_SCOPE_NAMED = 10;

    /**
     * A feed's network indicators out of scope, as one warning: they are not loaded (and, being list
     * entries, what an earlier sync loaded of them is withdrawn), and the feed or the setting wants a look.
     */
    private java.util.Optional<String> outOfScope(FeedBatch b) {
        if (b.refused().isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> named = b.refused().stream().limit(OUT_OF_SCOPE_NAMED).map(r -> r.where() + " '" + r.value()
                + "': " + r.refusal().why()).toList();
        int more = b.refused().size() - named.size();
        return java.util.Optional.of("threat feed " + b.source() + ": " + Counts.of(b.refused().size(),
                "network indicator") + " not loaded as threat intel (too broad, or private/reserved space): "
                + String.join("; ", named) + (more > 0 ? "; and " + Counts.number(more) + " more" : "")
                + ". The rest of the feed is synced. Remove these entries from the feed (FireHOL level1, for "
                + "one, lists bogons on purpose: filter them out when downloading it); a range wider than /"
                + scope.minPrefixIpv4() + " (IPv4) or /" + scope.minPrefixIpv6() + " (IPv6) that is meant is "
                + "loaded after lowering intel.min-prefix-ipv4 / intel.min-prefix-ipv6");
    }

    /**
     * How long a list is held back (what it lists stays active although it is refused or read short: a
     * broken download is not a delisting), counted from the first sync that held it, through every sync
     * since: after that, what it does not name is withdrawn, so a feed that stays broken does not keep
     * blocking what it listed for good.
     */
    public static final java.time.Duration DEFAULT_MAX_HELD = java.time.Duration.ofDays(7);

    /** "7 days", "36 hours", "90 minutes": whole units where they fit, else the ISO form. */
    static String describe(java.time.Duration d) {
        if (d.toDays() > 0 && d.equals(java.time.Duration.ofDays(d.toDays()))) {
            return Counts.of(d.toDays(), "day");
        }
        if (d.toHours() > 0 && d.equals(java.time.Duration.ofHours(d.toHours()))) {
            return Counts.of(d.toHours(), "hour");
        }
        if (d.toMinutes() > 0 && d.equals(java.time.Duration.ofMinutes(d.toMinutes()))) {
            return Counts.of(d.toMinutes(), "minute");
        }
        return d.toString();
    }

    /** Lists needing this many active entries before a shrink by half is taken for a broken download. */
    static final long SHRINK_GUARD_MIN = 20;

    private static boolean shrankByHalf(FeedBatch b, long before) {
        return before >= SHRINK_GUARD_MIN && 2L * b.indicators().size() < before;
    }

    /** Active list entries (rows without a version) per source, before this sync; empty before the first. */
    private Map<String, Long> activeListEntries() {
        Map<String, Long> out = new HashMap<>();
        if (feeds.isEmpty()) {
            return out;
        }
        for (Row r : DeltaTables.read(spark, catalog, ShadowTable.THREAT_INDICATORS)
                .filter(col("modified").isNull().and(col("revoked").equalTo(false))).groupBy("source").count()
                .collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    /** Active list entries of {@code source} that this sync does not name: what the merge withdraws. */
    private long unnamedEntries(String source, java.util.Set<String> named) {
        return DeltaTables.read(spark, catalog, ShadowTable.THREAT_INDICATORS)
                .filter(col("modified").isNull().and(col("revoked").equalTo(false)).and(col("source").equalTo(source)))
                .select("indicator_id").collectAsList().stream().filter(r -> !named.contains(r.getString(0)))
                .count();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Per held-back source, the first sync of the run of syncs that held it. */
    private static Map<String, Instant> heldSince(StateFile file) {
        Map<String, Instant> out = new HashMap<>();
        file.read().ifPresent(bytes -> {
            try {
                JSON.readTree(bytes).fields().forEachRemaining(e -> out.put(e.getKey(),
                        Instant.parse(e.getValue().asText())));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read threat feed hold state " + file + " (" + e.getMessage()
                        + "); delete it: every held-back feed then counts its 7 days from tonight", e);
            }
        });
        return out;
    }

    private static void writeHeldSince(StateFile file, Map<String, Instant> heldSince) {
        com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
        heldSince.forEach((source, since) -> n.put(source, since.toString()));
        file.write(n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "a feed held back tonight "
                + "counts its 7 days again from its next hold");
    }

    private static boolean newer(Indicator a, Indicator b) {
        return b.modified() == null || (a.modified() != null && !a.modified().isBefore(b.modified()));
    }

    private void merge(java.util.Collection<Indicator> indicators, List<String> held, Instant now) {
        DeltaTables.ensure(spark, catalog, ShadowTable.THREAT_INDICATORS);
        StructType schema = DeltaTables.schema(ShadowTable.THREAT_INDICATORS);
        List<Row> rows = indicators.stream().map(i -> RowFactory.create(i.id(), i.objectId(), i.type().wireName(),
                i.value(), i.source(), i.confidence(), i.validFrom(), i.validUntil(), i.revoked(), i.modified(), now))
                .toList();
        Dataset<Row> source = spark.createDataFrame(rows, schema);
        DeltaTable.forPath(spark, catalog.path(ShadowTable.THREAT_INDICATORS)).as("t")
                .merge(source.as("s"), "t.indicator_id = s.indicator_id")
                // an older version fetched again (a TAXII replay) must not undo a newer one
                .whenMatched("s.modified IS NULL OR t.modified IS NULL OR s.modified >= t.modified").updateAll()
                .whenNotMatched().insertAll()
                // list entries, the only rows without a version, are re-read in full every night: one no
                // list names any more was delisted, or its file left intel.feeds
                .whenNotMatchedBySource(col("t.modified").isNull().and(col("t.revoked").equalTo(false))
                        .and(held.isEmpty() ? lit(true) : not(col("t.source").isin(held.toArray()))))
                .update(Map.of("revoked", lit(true), "synced_at", lit(now)))
                .execute();
    }

    /** Rows of a feed object older than its newest version seen in this sync are withdrawn. */
    private void supersede(Map<String, Instant> versions, Instant now) {
        if (versions.isEmpty()) {
            return;
        }
        StructType schema = new StructType().add("object_id", DataTypes.StringType, false)
                .add("modified", DataTypes.TimestampType, false);
        List<Row> rows = versions.entrySet().stream().map(e -> RowFactory.create(e.getKey(), e.getValue())).toList();
        DeltaTable.forPath(spark, catalog.path(ShadowTable.THREAT_INDICATORS)).as("t")
                .merge(spark.createDataFrame(rows, schema).as("v"),
                        "t.object_id = v.object_id AND t.modified < v.modified AND NOT t.revoked")
                .whenMatched().update(Map.of("revoked", lit(true), "synced_at", lit(now)))
                .execute();
    }
}
