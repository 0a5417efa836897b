package io.shadow.model.intel;

import static io.shadow.model.intel.StixBundleParserTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain, DROP-style and abuse.ch CSV lists, told apart by content. */
class BlocklistFeedsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void dropListReadsCidrsWithSemicolonAndHashCommentsAndReportsBadLines() throws Exception {
        FeedBatch b = ThreatFeeds.read(fixture("spamhaus-drop.txt"));

        assertThat(b.indicators()).extracting(Indicator::value).containsExactly("1.10.16.0/20", "2.56.192.0/22",
                "5.134.128.0/19", "2001:db8:dead::/48", "192.0.2.77");
        assertThat(b.skipped()).singleElement().asString().startsWith("spamhaus-drop.txt line 11: ");
        ThreatIntel intel = ThreatIntel.builder().addAll(b).build();
        assertThat(intel.matchIp("1.10.31.255", NOW)).get().extracting(ThreatMatch::indicator)
                .isEqualTo("1.10.16.0/20");
        assertThat(intel.matchIp("1.10.32.0", NOW)).isEmpty();
        assertThat(intel.matchIp("2001:db8:dead:1::5", NOW)).isPresent();
    }

    @Test
    void feodoCsvTakesTheDstIpColumn() throws Exception {
        FeedBatch b = ThreatFeeds.read(fixture("feodo-ipblocklist.csv"));

        assertThat(b.indicators()).extracting(Indicator::value)
                .containsExactly("50.16.16.211", "162.243.103.246", "51.178.161.32");
        assertThat(b.indicators()).allSatisfy(i -> assertThat(i.confidence()).isEqualTo(0.9));
        assertThat(b.skipped()).singleElement().asString().contains("line 13").contains("'not-an-ip'");
    }

    @Test
    void urlhausCsvTakesTheUrlColumnWithQuotedCommas() throws Exception {
        FeedBatch b = ThreatFeeds.read(fixture("urlhaus-recent.csv"));

        assertThat(b.indicators()).extracting(Indicator::value).containsExactly(
                "http://182.121.243.17:50342/Mozi.m", "https://cdn.payload-drop.example/files/invoice_2026.js");
        ThreatIntel intel = ThreatIntel.builder().addAll(b).build();
        assertThat(intel.matchUrl("https://CDN.payload-drop.example/files/invoice_2026.js", NOW)).isPresent();
    }

    @Test
    void plainListsStillWorkThroughTheOldEntryPoints() throws Exception {
        ThreatIntel intel = ThreatFeeds.load(List.of(fixture("plain-ips.txt")));
        assertThat(intel.matchIp("185.220.101.4")).get().extracting(ThreatMatch::source).isEqualTo("plain-ips.txt");
        assertThat(intel.matchIp("2a0b:f4c2:1::1")).isPresent();
        assertThat(ThreatIntel.fromBlocklist(List.of("185.220.101.0/24 ; tor"), "x", 0.5).matchIp("185.220.101.9"))
                .isPresent();
        assertThat(ThreatIntel.fromBlocklist(List.of("10.0.0.0/8 ; rfc1918"), "x", 0.5).matchIp("10.2.3.4"))
                .as("private space is no threat intel").isEmpty();
    }

    @Test
    void aFileWithNothingUsableFailsNamingTheFileAndTheKey(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("junk.txt"), "hello world\nthis is not a feed\n");
        assertThatThrownBy(() -> ThreatFeeds.read(f)).hasMessageContaining("threat feed " + f + " has no usable entry")
                .hasMessageContaining("junk.txt line 1");
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> ThreatFeeds.read(missing)).hasMessage("threat feed " + missing + " does not exist "
                + "(a download that failed and removed it?); fix the download or remove it from intel.feeds");
    }

    @Test
    void aListReadAsEmptyIsRefusedRatherThanWithdrawingWhatItListed(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("drop.txt");
        Files.writeString(empty, "; Spamhaus DROP List 2026/11/16\n; Expires: Mon, 17 Nov 2026\n");
        assertThatThrownBy(() -> ThreatFeeds.read(empty)).hasMessage("threat feed " + empty
                + " lists no indicator (empty, or comments only: a failed download?); fix the file or remove it "
                + "from intel.feeds");
    }

    @Test
    void aMostlyUnusableListKeepsItsUsableEntriesAndSaysWhichAreNot(@TempDir Path dir) throws Exception {
        Path changed = dir.resolve("ips.txt");
        Files.writeString(changed, "192.0.2.1\n<html>\n<body>502 Bad Gateway</body>\n</html>\n");

        FeedBatch b = ThreatFeeds.read(changed);

        assertThat(b.indicators()).extracting(Indicator::value).containsExactly("192.0.2.1");
        assertThat(b.skipped()).hasSize(3).first().asString().startsWith("ips.txt line 2: ");
        assertThat(ThreatFeeds.mostlyUnusable(b)).as("not to be trusted as a snapshot").isTrue();
        assertThat(ThreatFeeds.mostlyUnusable(ThreatFeeds.read(fixture("spamhaus-drop.txt")))).isFalse();
    }
}
