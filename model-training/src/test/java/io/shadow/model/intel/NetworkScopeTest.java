package io.shadow.model.intel;

import static io.shadow.model.intel.StixBundleParserTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.model.intel.stix.StixBundleParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Network indicators that would match the whole Internet, a large part of it, or internal traffic are
 * not threat intel: every feed format refuses them where indicators enter, and the index ignores them.
 */
class NetworkScopeTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', value = {
        "0.0.0.0/0          | too broad      | /0 is wider than intel.min-prefix-ipv4 = /8 (it would match every IPv4",
        "::/0               | too broad      | /0 is wider than intel.min-prefix-ipv6 = /32 (it would match every IPv6",
        "8.0.0.0/7          | too broad      | /7 is wider than intel.min-prefix-ipv4 = /8 (it would match 1/128",
        "2a00::/12          | too broad      | /12 is wider than intel.min-prefix-ipv6 = /32",
        "::ffff:0:0/96      | too broad      | /0 is wider than intel.min-prefix-ipv4 = /8",
        "10.0.0.0/8         | private        | it lies in private range 10.0.0.0/8 (RFC 1918)",
        "10.20.1.11         | private        | it lies in private range 10.0.0.0/8 (RFC 1918)",
        "::ffff:10.20.1.11  | private        | it lies in private range 10.0.0.0/8 (RFC 1918)",
        "172.20.0.0/16      | private        | it lies in private range 172.16.0.0/12 (RFC 1918)",
        "192.168.1.1        | private        | it lies in private range 192.168.0.0/16 (RFC 1918)",
        "172.0.0.0/8        | private        | it includes private range 172.16.0.0/12 (RFC 1918), so it would match",
        "127.0.0.1          | loopback       | it lies in loopback 127.0.0.0/8",
        "::1                | loopback       | it lies in loopback ::1",
        "169.254.169.254    | link-local     | it lies in link-local 169.254.0.0/16",
        "fe80::1            | link-local     | it lies in link-local fe80::/10",
        "100.64.0.0/10      | shared (CGNAT) | it lies in shared address space 100.64.0.0/10",
        "100.100.1.1        | shared (CGNAT) | it lies in shared address space 100.64.0.0/10",
        "224.0.0.0/4        | multicast      | it lies in multicast 224.0.0.0/4",
        "239.1.2.3          | multicast      | it lies in multicast 224.0.0.0/4",
        "ff02::1            | multicast      | it lies in multicast ff00::/8",
        "240.0.0.0/4        | reserved       | it lies in reserved 240.0.0.0/4",
        "255.255.255.255    | reserved       | it lies in reserved 240.0.0.0/4",
        "0.0.0.0/8          | reserved       | it lies in 'this network' 0.0.0.0/8",
        "0.0.0.0            | reserved       | it lies in 'this network' 0.0.0.0/8",
        "::                 | unspecified    | it lies in the unspecified address ::",
        "fd12:3456::/48     | private        | it lies in unique local fc00::/7 (RFC 4193)",
    })
    void bogonsAndRangesWiderThanTheMinimumPrefixAreRefusedWithTheirReason(String value, String reason, String why) {
        assertThat(NetworkScope.DEFAULT.refusal(value)).get().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.why()).startsWith(why);
        });
        IndicatorType t = Observables.networkType(value);
        Indicator listed = Indicator.listed(t, Observables.normalize(t, value), "feed.txt", 0.9);
        FeedBatch b = new FeedBatch.Builder("feed.txt").add(listed, "line 7").build();
        assertThat(b.indicators()).isEmpty();
        assertThat(b.refused()).singleElement().asString().startsWith("feed.txt line 7 '" + listed.value() + "' ("
                + reason + "): ");
    }

    @ParameterizedTest
    @CsvSource({"185.220.101.0/24, 185.220.101.47", "185.220.101.47, 185.220.101.47", "5.0.0.0/8, 5.1.2.3",
        "2001:67c:e60:c0c::/64, 2001:67c:e60:c0c::1", "2a0b:f4c2::/32, 2a0b:f4c2:1::1",
        "203.0.113.0/24, 203.0.113.9"})
    void publicAddressesAndRangesUpToTheMinimumPrefixAreLoadedAndMatch(String indicator, String observed) {
        assertThat(NetworkScope.DEFAULT.refusal(indicator)).isEmpty();
        ThreatIntel intel = ThreatIntel.builder().addNetwork(indicator, "feed.txt", 0.9).build();
        assertThat(intel.matchIp(observed, NOW)).get().extracting(ThreatMatch::indicator)
                .isEqualTo(Observables.normalize(Observables.networkType(indicator), indicator));
    }

    @Test
    void theMinimumPrefixIsASetting() {
        NetworkScope wide = new NetworkScope(4, 16);
        assertThat(wide.refusal("8.0.0.0/7")).isEmpty();
        assertThat(wide.refusal("2a00::/12")).get().extracting(NetworkScope.Refusal::why).asString()
                .startsWith("/12 is wider than intel.min-prefix-ipv6 = /16");
        assertThat(wide.refusal("10.0.0.0/8")).as("private space stays refused").isPresent();
        assertThatThrownBy(() -> new NetworkScope(33, 32)).hasMessage("invalid intel.min-prefix-ipv4 = 33; "
                + "expected a prefix length 0-32 (default 8)");
    }

    @Test
    void aFireholLevel1ListLoadsItsThreatsAndRefusesItsBogonsNamingTheLines() throws Exception {
        FeedBatch b = ThreatFeeds.read(fixture("firehol-level1.txt"));

        assertThat(b.indicators()).extracting(Indicator::value).containsExactly("185.220.101.47", "5.188.206.0/24",
                "2001:67c:e60:c0c::/64");
        assertThat(b.skipped()).isEmpty();
        assertThat(b.refused()).hasSize(14);
        assertThat(b.refused()).extracting(Object::toString).startsWith(
                "firehol-level1.txt line 5 '0.0.0.0/0' (too broad): /0 is wider than intel.min-prefix-ipv4 = /8 (it "
                        + "would match every IPv4 address)",
                "firehol-level1.txt line 6 '::/0' (too broad): /0 is wider than intel.min-prefix-ipv6 = /32 (it "
                        + "would match every IPv6 address)",
                "firehol-level1.txt line 7 '0.0.0.0/8' (reserved): it lies in 'this network' 0.0.0.0/8 (RFC 1122): "
                        + "an address there is no threat indicator, it would match internal or local traffic",
                "firehol-level1.txt line 8 '10.0.0.0/8' (private): it lies in private range 10.0.0.0/8 (RFC 1918): "
                        + "an address there is no threat indicator, it would match internal or local traffic");
        assertThat(ThreatFeeds.mostlyUnusable(b)).as("refused ranges are no sign of a broken download").isFalse();
        ThreatIntel intel = ThreatIntel.builder().addAll(b).build();
        assertThat(intel.matchIp("10.20.1.11", NOW)).isEmpty();
        assertThat(intel.matchIp("8.8.8.8", NOW)).isEmpty();
        assertThat(intel.matchIp("185.220.101.47", NOW)).isPresent();
    }

    @Test
    void aListOfBogonsOnlyIsReadNotRefusedAsBroken(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("bogons.txt"), "10.0.0.0/8\n192.168.0.0/16\n");
        FeedBatch b = ThreatFeeds.read(f);
        assertThat(b.indicators()).isEmpty();
        assertThat(b.refused()).hasSize(2);
    }

    @Test
    void csvAndStixValuesOutOfScopeAreRefusedToo() throws Exception {
        FeedBatch csv = io.shadow.model.intel.feed.CsvFeedParser.parse(List.of(
                "# first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware",
                "\"2026-11-01 10:00:00\",\"192.168.10.5\",\"443\",\"online\",\"2026-11-19\",\"Emotet\"",
                "\"2026-11-01 10:00:00\",\"50.16.16.211\",\"443\",\"online\",\"2026-11-19\",\"Emotet\""),
                "feodo.csv", 0.9);
        assertThat(csv.indicators()).extracting(Indicator::value).containsExactly("50.16.16.211");
        assertThat(csv.refused()).singleElement().asString().startsWith("feodo.csv line 2 '192.168.10.5' (private)");

        FeedBatch stix = StixBundleParser.parse(new ObjectMapper().readTree("""
                {"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--c1", "pattern_type": "stix",
                  "modified": "2026-11-01T00:00:00Z",
                  "pattern": "[ipv4-addr:value = '0.0.0.0/0'] OR [ipv6-addr:value = 'fc00::/7'] \
                OR [ipv4-addr:value = '198.51.100.7']"}]}
                """), "cert.json");
        assertThat(stix.indicators()).extracting(Indicator::value).containsExactly("198.51.100.7");
        assertThat(stix.refused()).extracting(Object::toString).containsExactly(
                "cert.json indicator--c1 '0.0.0.0/0' (too broad): /0 is wider than intel.min-prefix-ipv4 = /8 (it "
                        + "would match every IPv4 address)",
                "cert.json indicator--c1 'fc00::/7' (private): it lies in unique local fc00::/7 (RFC 4193): an "
                        + "address there is no threat indicator, it would match internal or local traffic");
    }

    @Test
    void theIndexIgnoresOutOfScopeRowsWhateverWroteThem() {
        // rows of a threat_indicators table synced before the scope was enforced
        ThreatIntel.Builder b = ThreatIntel.builder()
                .add(Indicator.listed(IndicatorType.CIDR, "0.0.0.0/0", "firehol.txt", 0.9))
                .add(Indicator.listed(IndicatorType.CIDR, "10.0.0.0/8", "firehol.txt", 0.9))
                .add(Indicator.listed(IndicatorType.IPV4, "185.220.101.47", "firehol.txt", 0.9));
        ThreatIntel intel = b.build();

        assertThat(intel.size()).isEqualTo(1);
        assertThat(intel.matchIp("10.20.1.11", NOW)).isEmpty();
        assertThat(intel.matchIp("8.8.8.8", NOW)).isEmpty();
        assertThat(intel.matchIp("185.220.101.47", NOW)).isPresent();
        assertThat(b.ignored()).extracting(FeedBatch.Refused::value).containsExactly("0.0.0.0/0", "10.0.0.0/8");
    }
}
