package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.EntityKey;
import io.shadow.features.ResourceType;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.intel.ThreatIndicatorTable;
import io.shadow.model.intel.ThreatIntel;
import io.shadow.model.intel.taxii.TaxiiSettings;
import io.shadow.model.intel.taxii.TaxiiTestServer;
import io.shadow.model.risk.PatternHistory;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskFactorExtractor;
import io.shadow.spark.intel.ThreatIntelSyncJob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The threat-intel sync on a real Delta table: two nightly syncs, then the scorer's Kernel read of the result. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreatIntelSyncIT {
    private static final Instant DAY1 = Instant.parse("2026-11-19T02:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-11-20T02:00:00Z");
    private SparkSession spark;

    @BeforeAll
    void session() {
        spark = SharedSpark.session();
    }

    private static void feed(String fixture, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        try (var in = ThreatIntelSyncIT.class.getResourceAsStream("/intel/" + fixture)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** value → "revoked|source|modified" for every row. */
    private Map<String, String> table(TableCatalog catalog) {
        Map<String, String> m = new TreeMap<>();
        for (Row r : DeltaTables.read(spark, catalog, ShadowTable.THREAT_INDICATORS).collectAsList()) {
            m.put(r.<String>getAs("value"), (r.<Boolean>getAs("revoked") ? "revoked" : "active") + "|"
                    + r.getAs("source") + "|" + r.getAs("modified"));
        }
        return m;
    }

    private static ThreatIntelSyncJob job(SparkSession spark, TableCatalog catalog, List<Path> feeds, Instant at) {
        return new ThreatIntelSyncJob(spark, catalog, feeds, null, Clock.fixed(at, ZoneOffset.UTC));
    }

    @Test
    void aPartlyBadListSyncsItsUsableEntriesCountsTheRestAndWithdrawsNothingUntilItReadsCleanly(@TempDir Path dir)
            throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path good = dir.resolve("feeds/threat-feed.txt");
        Path list = dir.resolve("feeds/list.txt");
        feed("threat-feed.txt", good);
        feed("list-1.txt", list);
        assertThat(job(spark, catalog, List.of(good, list), DAY1).run().active()).isEqualTo(12);

        feed("list-2-partly-bad.txt", list);
        ThreatIntelSyncJob.Result partly = job(spark, catalog, List.of(good, list), DAY2).run();

        assertThat(partly.fetched()).as("10 + list.txt's 3 usable entries").isEqualTo(13);
        assertThat(partly.skipped()).as("list.txt's 4 unusable lines").isEqualTo(4);
        assertThat(partly.sources()).containsExactly("threat-feed.txt", "list.txt");
        assertThat(partly.refused()).isEmpty();
        assertThat(partly.toString()).startsWith("13 indicators fetched from threat-feed.txt, list.txt, 4 skipped "
                + "(e.g. threat feed " + list + ": 4 of 7 entries are unusable (first: list.txt line 3: ")
                .contains("); its 3 usable ones are synced, and nothing it listed before is withdrawn until most of "
                        + "it reads again; its format may have changed: fix the file or remove it from intel.feeds)")
                .endsWith("; table: 14 active, 0 revoked");
        assertThat(partly.problems()).as("then each unusable line").hasSize(5).element(1).asString()
                .startsWith("list.txt line 3: ");
        assertThat(table(catalog)).containsEntry("203.0.113.0/25", "active|list.txt|null")
                .containsEntry("malware-c2.example", "active|list.txt|null")
                .as("a broken download is no delisting").containsEntry("delisted-later.example", "active|list.txt|null");

        feed("list-3.txt", list);
        ThreatIntelSyncJob.Result clean = job(spark, catalog, List.of(good, list), DAY2).run();
        assertThat(clean.toString()).isEqualTo("13 indicators fetched from threat-feed.txt, list.txt, 0 skipped; "
                + "table: 13 active, 1 revoked");
        assertThat(table(catalog)).containsEntry("delisted-later.example", "revoked|list.txt|null");
    }

    /** A plain list of {@code n} IPs, 45.155.0.1 on (public space: 198.18.0.0/15, benchmarking, is refused). */
    private static void ips(Path to, int n) throws Exception {
        StringBuilder b = new StringBuilder("# blocklist\n");
        for (int i = 1; i <= n; i++) {
            b.append("45.155.").append(i / 250).append('.').append(i % 250 + 1).append('\n');
        }
        Files.createDirectories(to.getParent());
        Files.writeString(to, b);
    }

    private static long activeFrom(Map<String, String> table, String source) {
        return table.values().stream().filter(v -> v.equals("active|" + source + "|null")).count();
    }

    @Test
    void aListCutToLessThanHalfWithdrawsNothingButOneShrinkingByLessWithdrawsWhatItDropped(@TempDir Path dir)
            throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path list = dir.resolve("feeds/blocklist.txt");
        ips(list, 40);
        assertThat(job(spark, catalog, List.of(list), DAY1).run().active()).isEqualTo(40);

        ips(list, 10); // the download stopped a quarter of the way through
        ThreatIntelSyncJob.Result cut = job(spark, catalog, List.of(list), DAY2).run();

        assertThat(activeFrom(table(catalog), "blocklist.txt")).as("a truncated download is no delisting")
                .isEqualTo(40);
        assertThat(cut.problems()).singleElement().asString().isEqualTo("threat feed " + list + " lists 10 "
                + "indicators, fewer than half of the 40 it listed at the last sync (a download cut short?); they are "
                + "synced, and nothing it listed before is withdrawn until it lists at least half as many again. If "
                + "the list really shrank, remove the file from intel.feeds for one night (which withdraws all it "
                + "listed) and add it back");

        ips(list, 25);
        ThreatIntelSyncJob.Result shrank = job(spark, catalog, List.of(list), DAY2).run();
        assertThat(shrank.problems()).isEmpty();
        assertThat(activeFrom(table(catalog), "blocklist.txt")).as("the 15 it no longer lists are withdrawn")
                .isEqualTo(25);
    }

    @Test
    void aListRefusedAtEverySyncForAWeekNoLongerKeepsWhatItListed(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path list = dir.resolve("feeds/blocklist.txt");
        ips(list, 30);
        assertThat(job(spark, catalog, List.of(list), DAY1).run().active()).isEqualTo(30);
        Files.writeString(list, "# nothing: the download fails every night from here on\n");

        // the first sync in ten days (the nightly was stopped) is the first refusal: held, not withdrawn
        ThreatIntelSyncJob.Result first = job(spark, catalog, List.of(list), DAY1.plus(Duration.ofDays(10))).run();
        assertThat(first.refused()).hasSize(1);
        assertThat(first.toString()).contains("its indicators kept as last synced (for up to 7 days of refusals)");
        assertThat(first.warnings()).as("a refusal is a warning of the run, naming the feed and the deadline")
                .containsExactly("threat feed " + list + " lists no indicator (empty, or comments only: a failed "
                        + "download?); fix the file or remove it from intel.feeds. What it listed stays active as "
                        + "last synced until " + DAY1.plus(Duration.ofDays(17)) + " (intel.max-held = 7 days from "
                        + "its first refusal or hold, " + DAY1.plus(Duration.ofDays(10)) + "); after that, what no "
                        + "readable list names is withdrawn");
        assertThat(activeFrom(table(catalog), "blocklist.txt")).as("a failed download is no delisting").isEqualTo(30);
        job(spark, catalog, List.of(list), DAY1.plus(Duration.ofDays(16))).run();
        assertThat(activeFrom(table(catalog), "blocklist.txt")).as("held for 6 days").isEqualTo(30);

        ThreatIntelSyncJob.Result week = job(spark, catalog, List.of(list), DAY1.plus(Duration.ofDays(17))).run();
        assertThat(activeFrom(table(catalog), "blocklist.txt")).as("refused at every sync for 7 days").isZero();
        assertThat(week.problems().get(0)).isEqualTo("threat feed blocklist.txt has been refused or held back at "
                + "every sync since " + DAY1.plus(Duration.ofDays(10)) + " (intel.max-held = 7 days): its 30 list entries no readable "
                + "list names are withdrawn; fix the file or remove it from intel.feeds");
        assertThat(week.warnings()).singleElement().asString().endsWith(". It has been refused or held back at every "
                + "sync since " + DAY1.plus(Duration.ofDays(10)) + ", longer than intel.max-held = 7 days: what it "
                + "listed and no readable list names is withdrawn tonight");

        // read cleanly again: its entries are back, and a later refusal starts a new hold
        ips(list, 30);
        ThreatIntelSyncJob.Result clean = job(spark, catalog, List.of(list), DAY1.plus(Duration.ofDays(18))).run();
        assertThat(clean.problems()).isEmpty();
        assertThat(clean.warnings()).isEmpty();
        Files.writeString(list, "");
        job(spark, catalog, List.of(list), DAY1.plus(Duration.ofDays(19))).run();
        assertThat(activeFrom(table(catalog), "blocklist.txt")).isEqualTo(30);
    }

    @Test
    void theHoldLastsAsLongAsIntelMaxHeldSays(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path list = dir.resolve("feeds/blocklist.txt");
        ips(list, 12);
        Duration maxHeld = Duration.ofHours(36);
        new ThreatIntelSyncJob(spark, catalog, List.of(list), null, Clock.fixed(DAY1, ZoneOffset.UTC), maxHeld).run();
        Files.writeString(list, "");

        ThreatIntelSyncJob.Result first = new ThreatIntelSyncJob(spark, catalog, List.of(list), null,
                Clock.fixed(DAY2, ZoneOffset.UTC), maxHeld).run();
        assertThat(first.toString()).contains("(for up to 36 hours of refusals)");
        new ThreatIntelSyncJob(spark, catalog, List.of(list), null,
                Clock.fixed(DAY2.plus(Duration.ofHours(35)), ZoneOffset.UTC), maxHeld).run();
        assertThat(activeFrom(table(catalog), "blocklist.txt")).as("held for 35 hours").isEqualTo(12);
        ThreatIntelSyncJob.Result last = new ThreatIntelSyncJob(spark, catalog, List.of(list), null,
                Clock.fixed(DAY2.plus(maxHeld), ZoneOffset.UTC), maxHeld).run();
        assertThat(activeFrom(table(catalog), "blocklist.txt")).as("refused for 36 hours").isZero();
        assertThat(last.problems().get(0)).contains("(intel.max-held = 36 hours)");

        assertThatThrownBy(() -> new ThreatIntelSyncJob(spark, catalog, List.of(list), null, Clock.systemUTC(),
                Duration.ZERO)).hasMessageContaining("invalid intel.max-held = PT0S; expected a positive ISO-8601 "
                        + "duration");
    }

    @Test
    void rangesTooBroadOrInPrivateSpaceAreSkippedPerReasonWarnedAboutAndWithdrawnFromAnOlderTable(@TempDir Path dir)
            throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path firehol = dir.resolve("feeds/firehol-level1.txt");
        feed("firehol-level1.txt", firehol);
        // what an older version synced from this list: the bogons too
        DeltaTables.ensure(spark, catalog, ShadowTable.THREAT_INDICATORS);
        List<Row> old = Stream.of("0.0.0.0/0", "::/0", "10.0.0.0/8", "185.220.101.47").map(v -> RowFactory.create(
                "firehol-level1.txt:" + (v.contains("/") ? "cidr" : "ipv4") + ":" + v, "firehol-level1.txt:"
                        + (v.contains("/") ? "cidr" : "ipv4") + ":" + v, v.contains("/") ? "cidr" : "ipv4", v,
                "firehol-level1.txt", 0.9, null, null, false, null, DAY1)).toList();
        spark.createDataFrame(old, DeltaTables.schema(ShadowTable.THREAT_INDICATORS)).write().format("delta")
                .mode("append").save(catalog.path(ShadowTable.THREAT_INDICATORS));

        // the scorer's index ignores such rows of an older table, and says so once
        ThreatIndicatorTable.Loaded before = ThreatIndicatorTable.load(new KernelTableReader(), catalog, List.of());
        assertThat(before.intel().size()).isEqualTo(1);
        assertThat(before.intel().matchIp("10.20.1.11", DAY2)).as("an internal address").isEmpty();
        assertThat(before.intel().matchIp("8.8.8.8", DAY2)).isEmpty();
        assertThat(before.intel().matchIp("185.220.101.47", DAY2)).isPresent();
        assertThat(before.ignoredWarning()).get().asString().startsWith("3 threat indicator(s) from "
                + catalog.path(ShadowTable.THREAT_INDICATORS) + " v1 ignored: too broad or in private/reserved space");

        ThreatIntelSyncJob.Result r = job(spark, catalog, List.of(firehol), DAY2).run();

        assertThat(r.fetched()).isEqualTo(3);
        assertThat(r.skipped()).isEqualTo(14);
        assertThat(r.skippedBy()).containsExactly(Map.entry("too broad", 3), Map.entry("reserved", 1),
                Map.entry("private", 4), Map.entry("shared (CGNAT)", 1), Map.entry("loopback", 2),
                Map.entry("link-local", 2), Map.entry("unspecified", 1));
        assertThat(r.toString()).isEqualTo("3 indicators fetched from firehol-level1.txt, 14 skipped (3 too broad, "
                + "1 reserved, 4 private, 1 shared (CGNAT), 2 loopback, 2 link-local, 1 unspecified); table: 3 active, "
                + "3 revoked");
        assertThat(r.warnings()).singleElement().asString()
                .startsWith("threat feed firehol-level1.txt: 14 network indicators not loaded as threat intel (too "
                        + "broad, or private/reserved space): line 5 '0.0.0.0/0': /0 is wider than "
                        + "intel.min-prefix-ipv4 = /8 (it would match every IPv4 address); line 6 '::/0': /0 is wider "
                        + "than intel.min-prefix-ipv6 = /32 (it would match every IPv6 address); line 7 '0.0.0.0/8': "
                        + "it lies in 'this network' 0.0.0.0/8 (RFC 1122)")
                .contains("; line 8 '10.0.0.0/8': it lies in private range 10.0.0.0/8 (RFC 1918)")
                .contains("; and 4 more. The rest of the feed is synced.")
                .endsWith("loaded after lowering intel.min-prefix-ipv4 / intel.min-prefix-ipv6");
        assertThat(table(catalog)).as("the older sync's bogons are withdrawn, being no longer listed")
                .containsEntry("0.0.0.0/0", "revoked|firehol-level1.txt|null")
                .containsEntry("10.0.0.0/8", "revoked|firehol-level1.txt|null")
                .containsEntry("185.220.101.47", "active|firehol-level1.txt|null")
                .containsEntry("5.188.206.0/24", "active|firehol-level1.txt|null")
                .doesNotContainKey("192.168.0.0/16");
        ThreatIndicatorTable.Loaded after = ThreatIndicatorTable.load(new KernelTableReader(), catalog, List.of());
        assertThat(after.ignored()).isEmpty();
        assertThat(after.intel().matchIp("10.20.1.11", DAY2)).isEmpty();
    }

    @Test
    void twoSyncsAddRevokeAndSupersedeIndicatorsAndTheScorerMatchesTheSyncedCidr(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path cert = dir.resolve("feeds/cert.json");
        Path drop = dir.resolve("feeds/drop.txt");
        feed("cert-bundle-1.json", cert);
        feed("drop-1.txt", drop);

        ThreatIntelSyncJob.Result first = job(spark, catalog, List.of(cert, drop), DAY1).run();
        assertThat(first.fetched()).isEqualTo(6);
        assertThat(first.skipped()).isEqualTo(1);
        assertThat(first.problems()).singleElement().asString().contains("process:name");
        assertThat(first.active()).isEqualTo(6);
        assertThat(first.revoked()).isZero();
        assertThat(table(catalog)).containsEntry("login-secure.example",
                "active|cert.json|2026-10-01T00:00:00Z").containsEntry("2.56.192.0/22", "active|drop.txt|null");

        feed("cert-bundle-2.json", cert);
        feed("drop-2.txt", drop);
        ThreatIntelSyncJob.Result second = job(spark, catalog, List.of(cert, drop), DAY2).run();
        Map<String, String> afterSecond = table(catalog);
        ThreatIntelSyncJob.Result again = job(spark, catalog, List.of(cert, drop), DAY2).run();

        assertThat(table(catalog)).as("a re-run changes nothing").isEqualTo(afterSecond);
        assertThat(again.active()).isEqualTo(second.active());
        assertThat(afterSecond).containsOnly(
                Map.entry("203.0.113.0/24", "active|cert.json|2026-10-01T00:00:00Z"),
                Map.entry("2001:db8:bad::/48", "active|cert.json|2026-10-01T00:00:00Z"),
                Map.entry("login-secure.example", "revoked|cert.json|2026-11-15T00:00:00Z"),
                Map.entry("198.51.100.10", "revoked|cert.json|2026-10-01T00:00:00Z"),
                Map.entry("198.51.100.20", "active|cert.json|2026-11-15T00:00:00Z"),
                Map.entry("https://cdn.payload-drop.example/files/invoice_2026.js",
                        "active|cert.json|2026-11-15T00:00:00Z"),
                Map.entry("1.10.16.0/20", "active|drop.txt|null"),
                Map.entry("2.56.192.0/22", "revoked|drop.txt|null"),
                Map.entry("5.134.128.0/19", "active|drop.txt|null"));
        assertThat(second.active()).isEqualTo(6);
        assertThat(second.revoked()).isEqualTo(3);

        // a list that arrives empty (a failed download) is refused: what it listed before stays active
        Files.writeString(drop, "; Spamhaus DROP List 2026/11/16\n");
        ThreatIntelSyncJob.Result broken = job(spark, catalog, List.of(cert, drop), DAY2).run();
        assertThat(broken.refused()).singleElement().asString().contains("drop.txt lists no indicator");
        assertThat(broken.toString()).contains(", 0 skipped; 1 file refused, its indicators kept as last synced "
                + "(for up to 7 days of refusals): "
                + "threat feed " + drop + " lists no indicator");
        assertThat(table(catalog)).as("nothing withdrawn").isEqualTo(afterSecond);

        // the scorer's path: Delta Kernel, no Spark
        ThreatIndicatorTable.Loaded loaded = ThreatIndicatorTable.load(new KernelTableReader(), catalog, List.of());
        assertThat(loaded.tableVersion()).isPositive();
        ThreatIntel intel = loaded.intel();
        assertThat(intel.size()).isEqualTo(6);
        assertThat(intel.matchIp("198.51.100.10", DAY2)).isEmpty();
        assertThat(intel.matchDomain("www.login-secure.example", DAY2)).isEmpty();
        assertThat(intel.matchUrl("https://cdn.payload-drop.example/files/invoice_2026.js", DAY2)).isPresent();
        assertThat(intel.matchUrl("https://cdn.payload-drop.example/files/invoice_2026.js",
                Instant.parse("2026-12-15T00:00:00Z"))).as("after valid_until").isEmpty();

        Anomaly a = new Anomaly("a-1", EntityKey.principal("acme", "u-1"), DAY2, "e-1", 9.0, "bytes_out@data_storage",
                ResourceType.DATA_STORAGE, "s3://finance", "u-1", null, "203.0.113.45", "aws-cli/2.15", List.of());
        RiskFactorExtractor.Extraction x = new RiskFactorExtractor(5.0, ResourceRisk.defaults(), intel,
                PatternHistory.EMPTY).extract(a);
        assertThat(x.factors().threatIntel()).isEqualTo(0.8);
        assertThat(x.anomaly().evidence()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("threat_intel");
            assertThat(e.observed()).isEqualTo("203.0.113.45");
            assertThat(e.expected()).isEqualTo("cert.json (203.0.113.0/24)");
        });

        String out = System.getProperty("shadow.intel.golden-table");
        if (out != null) { // regenerates online-scorer's golden table: -Dshadow.intel.golden-table=DIR
            Path table = dir.resolve("warehouse").resolve(ShadowTable.THREAT_INDICATORS.relativePath());
            try (Stream<Path> files = Files.walk(table)) {
                for (Path p : files.toList()) {
                    Path target = Path.of(out).resolve(table.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static JsonNode bundle(String fixture) throws Exception {
        try (var in = ThreatIntelSyncIT.class.getResourceAsStream("/intel/" + fixture)) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void aTaxiiCollectionSyncsIncrementallyFromTheCursorSavedAfterTheMerge(@TempDir Path dir) throws Exception {
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        Path cursorFile = dir.resolve("warehouse/_state/taxii-cursors.json");
        Path drop = dir.resolve("feeds/drop.txt");
        feed("drop-1.txt", drop);
        try (TaxiiTestServer server = new TaxiiTestServer(2)) {
            server.addAll(bundle("cert-bundle-1.json"), Instant.parse("2026-11-18T00:00:00Z"));
            TaxiiSettings taxii = new TaxiiSettings(server.discovery(), List.of("C2 indicators"), TaxiiTestServer.USER,
                    TaxiiTestServer.PASSWORD, "");

            ThreatIntelSyncJob.Result first = new ThreatIntelSyncJob(spark, catalog, List.of(drop), taxii,
                    Clock.fixed(DAY1, ZoneOffset.UTC)).run();
            assertThat(first.sources()).containsExactly("drop.txt", "taxii:C2 indicators");
            assertThat(first.fetched()).isEqualTo(6);
            assertThat(first.skipped()).isEqualTo(1);
            String lastAdded = server.objects().get(server.objects().size() - 1).added().toString();
            assertThat(Files.readString(cursorFile)).contains(lastAdded);

            // the feed publishes a revocation, a moved C2 and a new URL (and re-sends an unchanged indicator);
            // the DROP list leaves intel.feeds
            server.addAll(bundle("cert-bundle-2.json"), Instant.parse("2026-11-19T00:00:00Z"));
            server.requests().clear();
            ThreatIntelSyncJob.Result second = new ThreatIntelSyncJob(spark, catalog, List.of(), taxii,
                    Clock.fixed(DAY2, ZoneOffset.UTC)).run();
            assertThat(server.requests()).filteredOn(u -> u.getPath().endsWith("/objects/")).first()
                    .extracting(java.net.URI::getQuery).asString().contains("added_after=" + lastAdded);
            assertThat(second.fetched()).isEqualTo(5);
            assertThat(table(catalog)).containsOnly(
                    Map.entry("203.0.113.0/24", "active|taxii:C2 indicators|2026-10-01T00:00:00Z"),
                    Map.entry("2001:db8:bad::/48", "active|taxii:C2 indicators|2026-10-01T00:00:00Z"),
                    Map.entry("login-secure.example", "revoked|taxii:C2 indicators|2026-11-15T00:00:00Z"),
                    Map.entry("198.51.100.10", "revoked|taxii:C2 indicators|2026-10-01T00:00:00Z"),
                    Map.entry("198.51.100.20", "active|taxii:C2 indicators|2026-11-15T00:00:00Z"),
                    Map.entry("https://cdn.payload-drop.example/files/invoice_2026.js",
                            "active|taxii:C2 indicators|2026-11-15T00:00:00Z"),
                    Map.entry("1.10.16.0/20", "revoked|drop.txt|null"),
                    Map.entry("2.56.192.0/22", "revoked|drop.txt|null"));

            ThreatIntelSyncJob.Result third = new ThreatIntelSyncJob(spark, catalog, List.of(), taxii,
                    Clock.fixed(DAY2, ZoneOffset.UTC)).run();
            assertThat(third.fetched()).as("nothing added since the cursor").isZero();
            assertThat(third.active()).isEqualTo(4);
            assertThat(third.revoked()).isEqualTo(4);
        }
    }
}
