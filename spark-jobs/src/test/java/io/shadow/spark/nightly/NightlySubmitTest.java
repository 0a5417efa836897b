package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.model.intel.taxii.TaxiiSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point's arguments: what an operator's command line turns into, and its errors. */
class NightlySubmitTest {
    @TempDir
    Path dir;

    private NightlyConfig config(Map<String, String> env, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--warehouse", dir.resolve("warehouse").toUri().toString()));
        args.addAll(List.of(extra));
        return NightlySubmit.config(NightlySubmit.parse(args.toArray(String[]::new)), env);
    }

    @Test
    void aTaxiiServerIsSyncedWithItsCollectionsAndATokenFromTheEnvironment() {
        NightlyConfig cfg = config(Map.of("SHADOW_INTEL_TAXII_TOKEN", "t0ken"), "--taxii-url",
                "https://taxii.example.org/taxii2/", "--taxii-collection", "indicators", "--taxii-collection", "c2");

        TaxiiSettings taxii = cfg.taxii();
        assertThat(taxii.url()).isEqualTo(URI.create("https://taxii.example.org/taxii2/"));
        assertThat(taxii.collections()).containsExactly("indicators", "c2");
        assertThat(taxii.token()).isEqualTo("t0ken");
        assertThat(taxii.user()).isEmpty();
    }

    @Test
    void theStorePasswordComesFromTheEnvironmentSoNoCommandLineShowsIt() {
        assertThat(config(Map.of("SHADOW_STORE_PASSWORD", "hunter2secret"), "--store-jdbc-url",
                "jdbc:postgresql://db/shadow", "--store-user", "shadow").storePassword()).isEqualTo("hunter2secret");
        assertThat(config(Map.of(), "--store-jdbc-url", "jdbc:postgresql://db/shadow", "--store-password", "old-way")
                .storePassword()).as("still accepted").isEqualTo("old-way");
        assertThatThrownBy(() -> config(Map.of("SHADOW_STORE_PASSWORD", "hunter2secret"), "--store-password", "other"))
                .hasMessage("--store-password and SHADOW_STORE_PASSWORD differ; give the password once, in "
                        + "SHADOW_STORE_PASSWORD (a command line is visible to every local user)");
    }

    @Test
    void withoutATaxiiUrlNothingIsSynced() {
        assertThat(config(Map.of("SHADOW_INTEL_TAXII_TOKEN", "t0ken")).taxii()).isNull();
    }

    @Test
    void theTransferLimitIsTheScorersDefaultUnlessGiven() {
        assertThat(config(Map.of()).maxTransferBytes()).isEqualTo(1L << 40);
        assertThat(config(Map.of(), "--max-transfer-bytes", "2199023255552").maxTransferBytes()).isEqualTo(2L << 40);
        assertThatThrownBy(() -> config(Map.of(), "--max-transfer-bytes", "2TiB")).hasMessage("--max-transfer-bytes "
                + "'2TiB' must be a positive whole number of bytes (default 1099511627776, 1 TiB; the scorer's "
                + "scorer.max-transfer-bytes)");
    }

    @Test
    void unreviewedIncidentsAreKeptOutOfLearningForThirtyDaysUnlessGiven() {
        assertThat(config(Map.of()).reviewWindow()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(config(Map.of(), "--review-window", "P14D").reviewWindow()).isEqualTo(java.time.Duration.ofDays(14));
        assertThatThrownBy(() -> config(Map.of(), "--review-window", "a month")).hasMessage("--review-window "
                + "'a month' is not a positive ISO-8601 duration; e.g. P30D (the default) or P14D");
    }

    @Test
    void aRefusedThreatFeedIsHeldForSevenDaysUnlessGiven() {
        assertThat(config(Map.of()).intelMaxHeld()).isEqualTo(java.time.Duration.ofDays(7));
        assertThat(config(Map.of(), "--intel-max-held", "PT36H").intelMaxHeld())
                .isEqualTo(java.time.Duration.ofHours(36));
        assertThatThrownBy(() -> config(Map.of(), "--intel-max-held", "P0D")).hasMessage("--intel-max-held 'P0D' is "
                + "not a positive ISO-8601 duration; e.g. P7D (the default) or PT36H");
    }

    @Test
    void eventsWithoutATenantAreQuarantinedUnlessADefaultTenantIsGivenAsTheScorerDoes() {
        assertThat(config(Map.of()).defaultTenant()).isNull();
        assertThat(config(Map.of(), "--default-tenant", "acme").defaultTenant()).isEqualTo("acme");
    }

    @Test
    void taxiiMistakesNameTheArgumentOrVariable() {
        assertThatThrownBy(() -> config(Map.of(), "--taxii-collection", "c2"))
                .hasMessageStartingWith("--taxii-collection needs --taxii-url");
        assertThatThrownBy(() -> config(Map.of(), "--taxii-url", "ftp://taxii.example.org/"))
                .hasMessage("--taxii-url 'ftp://taxii.example.org/' must be an http(s):// discovery endpoint, "
                        + "e.g. https://taxii.example.org/taxii2/");
        assertThatThrownBy(() -> config(Map.of("SHADOW_INTEL_TAXII_USER", "u", "SHADOW_INTEL_TAXII_TOKEN", "t"),
                "--taxii-url", "https://taxii.example.org/taxii2/"))
                .hasMessageStartingWith("SHADOW_INTEL_TAXII_USER and SHADOW_INTEL_TAXII_TOKEN are both set");
        assertThatThrownBy(() -> config(Map.of(), "--taxii-url"))
                .hasMessage("--taxii-url needs a value");
    }
}
