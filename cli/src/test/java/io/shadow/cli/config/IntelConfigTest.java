package io.shadow.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.config.ConfigException;
import io.shadow.model.intel.taxii.TaxiiSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The intel.* keys: defaults, environment and flags, and errors that name the key. */
class IntelConfigTest {

    private static ShadowConfig load(Map<String, String> env, String... sets) {
        return ConfigLoader.load(null, env, List.of(sets));
    }

    @Test
    void noTaxiiServerByDefault() {
        ShadowConfig c = load(Map.of());
        assertThat(c.intel().feeds()).isEmpty();
        assertThat(c.intel().taxiiSettings()).isNull();
    }

    @Test
    void aTaxiiServerComesFromFlagsAndEnvironment() {
        ShadowConfig c = load(Map.of("SHADOW_INTEL_TAXII_COLLECTIONS", "C2 indicators,phishing"),
                "intel.taxii.url=https://taxii.example.org/taxii2/", "intel.taxii.token=tok-0123456789");
        TaxiiSettings t = c.intel().taxiiSettings();
        assertThat(t.url()).hasToString("https://taxii.example.org/taxii2/");
        assertThat(t.collections()).containsExactly("C2 indicators", "phishing");
        assertThat(t.toString()).contains("auth=bearer").doesNotContain("tok-0123456789");
    }

    @Test
    void badTaxiiSettingsNameTheKey() {
        assertThatThrownBy(() -> load(Map.of(), "intel.taxii.url=ftp://taxii.example.org/"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(
                        "invalid intel.taxii.url = ftp://taxii.example.org/ (from --set); expected an http(s) URL");
        assertThatThrownBy(() -> load(Map.of(), "intel.taxii.url=https://t.example/taxii2/", "intel.taxii.user=u",
                "intel.taxii.token=t")).hasMessageStartingWith("invalid intel.taxii.token = (hidden) (from --set); "
                + "expected empty when intel.taxii.user is set");
        assertThatThrownBy(() -> load(Map.of(), "intel.taxii.collections=C2 indicators"))
                .hasMessageStartingWith("invalid intel.taxii.url = (empty); expected a TAXII discovery URL");
    }

    @Test
    void rangesWiderThanASlash8OrASlash32AreNoThreatIndicatorsUnlessConfiguredOtherwise() {
        assertThat(load(Map.of()).intel().networkScope()).isEqualTo(io.shadow.model.intel.NetworkScope.DEFAULT);
        assertThat(load(Map.of()).intel().networkScope().refusal("8.0.0.0/7")).isPresent();
        var wide = load(Map.of("SHADOW_INTEL_MIN_PREFIX_IPV4", "6"), "intel.min-prefix-ipv6=24").intel();
        assertThat(wide.networkScope()).isEqualTo(new io.shadow.model.intel.NetworkScope(6, 24));
        assertThat(wide.networkScope().refusal("8.0.0.0/7")).isEmpty();
        assertThatThrownBy(() -> load(Map.of(), "intel.min-prefix-ipv4=33")).isInstanceOf(ConfigException.class)
                .hasMessage("invalid intel.min-prefix-ipv4 = 33 (from --set); expected a prefix length 0-32 (default "
                        + "8: a range wider than a /8 is no threat indicator)");
        assertThatThrownBy(() -> load(Map.of(), "intel.min-prefix-ipv6=-1")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid intel.min-prefix-ipv6 = -1 (from --set); expected a prefix length "
                        + "0-128");
    }

    @Test
    void aRefusedFeedIsHeldForSevenDaysUnlessConfiguredOtherwise() {
        assertThat(load(Map.of()).intel().maxHeld()).isEqualTo("P7D");
        assertThat(load(Map.of("SHADOW_INTEL_MAX_HELD", "PT36H")).intel().maxHeld()).isEqualTo("PT36H");
        assertThatThrownBy(() -> load(Map.of(), "intel.max-held=7 days")).isInstanceOf(ConfigException.class)
                .hasMessage("invalid intel.max-held = 7 days (from --set); expected an ISO-8601 duration like PT30S "
                        + "or PT2H");
        assertThatThrownBy(() -> load(Map.of(), "intel.max-held=-P1D")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid intel.max-held = -P1D (from --set); expected a positive ISO-8601 "
                        + "duration");
    }

    @Test
    void aFeedFileThatIsMissingIsNoConfigErrorButAnEntryThatIsNoPathIs(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) {
        java.nio.file.Path missing = dir.resolve("feodo.csv");
        assertThat(load(Map.of(), "intel.feeds=[" + missing + "]").intel().feeds()).containsExactly(
                missing.toString());
        assertThatThrownBy(() -> load(Map.of(), "intel.feeds=https://feodotracker.abuse.ch/downloads/ipblocklist.csv"))
                .isInstanceOf(ConfigException.class).hasMessage("invalid intel.feeds = "
                        + "https://feodotracker.abuse.ch/downloads/ipblocklist.csv (from --set); expected the path of a "
                        + "feed file, not a URL: download the feed to a file (e.g. a cron job with curl) and list the "
                        + "file");
    }

    @Test
    void serveIsToldOfAFeedFileItCannotReadAndWhatThatMeansForIt(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("list.txt"), "203.0.113.7\n");
        java.nio.file.Path missing = dir.resolve("feodo.csv");
        assertThat(FeedFiles.unreadable(List.of(good.toString(), missing.toString()), () -> false)).containsExactly(
                "intel.feeds lists " + missing + ", which does not exist: the scorer reads the feed files only until "
                        + "the nightly writes silver/threat_indicators, and leaves this one out; the nightly's "
                        + "threat-intel step refuses it and keeps what it listed as last synced for intel.max-held. "
                        + "Fix the download or remove the file from intel.feeds");
        assertThat(FeedFiles.unreadable(List.of(missing.toString()), () -> true)).singleElement().asString()
                .contains("the scorer reads silver/threat_indicators, not the feed files, so nothing changes now");
    }
}
