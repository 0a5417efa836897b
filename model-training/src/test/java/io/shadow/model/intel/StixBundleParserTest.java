package io.shadow.model.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.model.intel.stix.StixBundleParser;
import io.shadow.model.intel.stix.StixPattern;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** STIX 2.1 bundles → indicators, and the matching semantics they get in the index. */
class StixBundleParserTest {
    private static final Instant MARCH = Instant.parse("2026-03-15T12:00:00Z");

    static Path fixture(String name) throws Exception {
        return Path.of(StixBundleParserTest.class.getResource("/intel/" + name).toURI());
    }

    @Test
    void everySupportedObservableIsReadAndUnsupportedPatternsAreReportedNotFatal() throws Exception {
        FeedBatch b = StixBundleParser.parse(fixture("stix-bundle.json"));

        assertThat(b.source()).isEqualTo("stix-bundle.json");
        assertThat(b.indicators()).extracting(i -> i.type().wireName() + " " + i.value()).contains(
                "ipv4 198.51.100.7", "cidr 203.0.113.0/24", "cidr 2001:db8:bad::/48", "domain evil.example",
                "url http://dropper.example.net/payload.exe",
                "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "md5 d41d8cd98f00b204e9800998ecf8427e", "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "user_agent sqlmap/1.7.2#stable (https://sqlmap.org)", "cidr 185.220.101.0/24",
                "ipv4 185.220.102.8", "ipv4 185.220.102.9");
        assertThat(b.skipped()).hasSize(4).anySatisfy(s -> assertThat(s)
                .contains("indicator--b1000000-0000-4000-8000-000000000001").contains("AND"))
                .anySatisfy(s -> assertThat(s).contains("pattern_type 'snort' is not supported"))
                .anySatisfy(s -> assertThat(s).contains("unsupported object path email-addr:value"))
                .anySatisfy(s -> assertThat(s).contains("qualifier 'REPEATS' is not supported"));
        Indicator c2 = b.indicators().stream().filter(i -> i.value().equals("198.51.100.7")).findFirst().orElseThrow();
        assertThat(c2.confidence()).isEqualTo(0.85);
        assertThat(c2.objectId()).isEqualTo("indicator--a1000000-0000-4000-8000-000000000001");
        assertThat(b.indicators()).filteredOn(i -> i.type() == IndicatorType.MD5).first()
                .extracting(Indicator::confidence).isEqualTo(StixBundleParser.DEFAULT_CONFIDENCE);
    }

    @Test
    void anIndicatorMatchesOnlyInsideItsValidityWindow() throws Exception {
        ThreatIntel intel = ThreatIntel.builder().addAll(StixBundleParser.parse(fixture("stix-bundle.json"))).build();

        assertThat(intel.matchIp("203.0.113.99", MARCH)).get().satisfies(m -> {
            assertThat(m.indicator()).isEqualTo("203.0.113.0/24");
            assertThat(m.type()).isEqualTo("cidr");
            assertThat(m.confidence()).isEqualTo(0.6);
            assertThat(m.source()).isEqualTo("stix-bundle.json");
        });
        assertThat(intel.matchIp("203.0.113.99", Instant.parse("2025-12-31T23:59:59Z"))).as("before valid_from")
                .isEmpty();
        assertThat(intel.matchIp("203.0.113.99", Instant.parse("2026-06-01T00:00:00Z"))).as("valid_until is exclusive")
                .isEmpty();
    }

    @Test
    void revokedAndSupersededVersionsNoLongerMatch() throws Exception {
        ThreatIntel intel = ThreatIntel.builder().addAll(StixBundleParser.parse(fixture("stix-bundle.json"))).build();

        assertThat(intel.matchIp("192.0.2.50", MARCH)).as("revoked in its newest version").isEmpty();
        assertThat(intel.matchIp("192.0.2.60", MARCH)).as("older version's value").isEmpty();
        assertThat(intel.matchIp("192.0.2.61", MARCH)).as("newest version's value, listed first in the bundle")
                .isPresent();
    }

    @Test
    void ipv6CidrDomainsUrlsHashesAndUserAgentsMatch() throws Exception {
        ThreatIntel intel = ThreatIntel.builder().addAll(StixBundleParser.parse(fixture("stix-bundle.json"))).build();

        assertThat(intel.matchIp("2001:db8:bad:ffff::1", MARCH)).get().extracting(ThreatMatch::indicator)
                .isEqualTo("2001:db8:bad::/48");
        assertThat(intel.matchIp("2001:db8:bae::1", MARCH)).isEmpty();
        assertThat(intel.matchDomain("cdn.EVIL.example.", MARCH)).as("subdomain of the indicator").isPresent();
        assertThat(intel.matchDomain("notevil.example", MARCH)).as("a suffix is not a parent domain").isEmpty();
        assertThat(intel.matchDomain("example", MARCH)).as("a parent of the indicator is not matched").isEmpty();
        assertThat(intel.matchUrl("HTTP://dropper.example.net/payload.exe#x", MARCH)).isPresent();
        assertThat(intel.matchUrl("http://dropper.example.net/other.exe", MARCH)).isEmpty();
        assertThat(intel.matchUrl("https://www.evil.example/login", MARCH)).as("by its host")
                .get().extracting(ThreatMatch::type).isEqualTo("domain");
        assertThat(intel.matchHash("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", MARCH))
                .isPresent();
        assertThat(intel.matchObservable("d41d8cd98f00b204e9800998ecf8427e", MARCH)).isPresent();
        assertThat(intel.matchUserAgent("sqlmap/1.7.2#stable (https://sqlmap.org)", MARCH)).get()
                .extracting(ThreatMatch::confidence).isEqualTo(0.75);
        assertThat(intel.matchIp("185.220.101.200", MARCH)).isPresent();
        assertThat(intel.matchIp("185.220.102.9", MARCH)).isPresent();
        assertThat(intel.matchIp("185.220.102.10", MARCH)).isEmpty();
    }

    @Test
    void patternsReduceToTheirComparisonsOrSayWhyNot() {
        assertThat(StixPattern.parse("[url:value = 'http://x.example/it\\'s' OR (domain-name:value = 'a.example')]"))
                .containsExactly(new StixPattern.Comparison("url:value", "http://x.example/it's"),
                        new StixPattern.Comparison("domain-name:value", "a.example"));
        assertThatThrownBy(() -> StixPattern.parse("[ipv4-addr:value != '1.2.3.4']"))
                .hasMessage("operator '!=' is not supported (=, IN, ISSUBSET)");
        assertThatThrownBy(() -> StixPattern.parse("[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '5.6.7.8']"))
                .hasMessage("'FOLLOWEDBY' between observations is not supported (only OR)");
        assertThatThrownBy(() -> StixPattern.parse("[ipv4-addr:value = '1.2.3.4'"))
                .hasMessage("pattern ends where ']' was expected");
    }

    @Test
    void aFileThatIsNoBundleIsRefusedNamingIt() {
        assertThatThrownBy(() -> StixBundleParser.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"type\": \"indicator\"}"), "feed.json"))
                .hasMessageContaining("STIX input feed.json has no 'objects' array");
    }
}
