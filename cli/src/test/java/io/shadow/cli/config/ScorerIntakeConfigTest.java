package io.shadow.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.config.ConfigException;
import io.shadow.scorer.ScorerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scorer.max-future-skew}, {@code scorer.default-tenant}, {@code scorer.max-transfer-bytes} and
 * {@code scorer.dedupe-window}:
 * documented defaults, bad values named.
 */
class ScorerIntakeConfigTest {
    @TempDir
    Path dir;

    private ScorerSettings settings(Map<String, String> env, String... sets) {
        List<String> all = new ArrayList<>(List.of("data-dir=" + dir));
        all.addAll(List.of(sets));
        return ConfigLoader.load(null, env, all).scorer().toSettings(dir);
    }

    @Test
    void eventsMayBeFiveMinutesAheadAndMustNameTheirTenantUnlessToldOtherwise() {
        assertThat(settings(Map.of()).maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings(Map.of()).defaultTenant()).isEmpty();
        assertThat(settings(Map.of("SHADOW_SCORER_MAX_FUTURE_SKEW", "PT30S"), "scorer.default-tenant=acme"))
                .extracting(ScorerSettings::maxFutureSkew, ScorerSettings::defaultTenant)
                .containsExactly(Duration.ofSeconds(30), "acme");
    }

    @Test
    void anEventMayReportUpToOneTebibyteUnlessToldOtherwise() {
        assertThat(settings(Map.of()).maxTransferBytes()).isEqualTo(1_099_511_627_776L);
        assertThat(settings(Map.of("SHADOW_SCORER_MAX_TRANSFER_BYTES", "5497558138880")).maxTransferBytes())
                .isEqualTo(5L << 40);
        assertThat(settings(Map.of(), "scorer.max-transfer-bytes=1000000").maxTransferBytes()).isEqualTo(1_000_000L);
        assertThatThrownBy(() -> settings(Map.of(), "scorer.max-transfer-bytes=0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.max-transfer-bytes = 0 (from --set); expected a positive number of "
                        + "bytes, e.g. 1099511627776 (1 TiB)");
        assertThatThrownBy(() -> settings(Map.of(), "scorer.max-transfer-bytes=1 TiB"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scorer.max-transfer-bytes");
    }

    @Test
    void theScorerRemembersAMillionEventIdsUnlessToldOtherwise() {
        assertThat(settings(Map.of()).dedupeWindow()).isEqualTo(1_000_000);
        assertThat(settings(Map.of("SHADOW_SCORER_DEDUPE_WINDOW", "4000000")).dedupeWindow()).isEqualTo(4_000_000);
        assertThat(settings(Map.of(), "scorer.dedupe-window=0").dedupeWindow()).isZero();
        assertThatThrownBy(() -> settings(Map.of(), "scorer.dedupe-window=-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.dedupe-window = -1 (from --set); expected 0 (no de-duplication) to "
                        + "100000000 event ids, e.g. 1000000");
    }

    @Test
    void anOutOfRangeServingKnobNamesWhereItsValueCameFrom() {
        assertThatThrownBy(() -> settings(Map.of(), "scorer.shards=1000"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.shards = 1000 (from --set); expected 0 (one per core) to 256 (each is a "
                        + "thread)");
        assertThatThrownBy(() -> settings(Map.of("SHADOW_SCORER_MAX_QUEUED", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.max-queued = -1 (from SHADOW_SCORER_MAX_QUEUED); expected 0 or more");
    }

    @Test
    void aBadSkewOrTenantIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> settings(Map.of(), "scorer.max-future-skew=PT0S"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.max-future-skew = PT0S (from --set); expected a positive ISO-8601 "
                        + "duration like PT30S");
        assertThatThrownBy(() -> settings(Map.of(), "scorer.max-future-skew=P30D"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.max-future-skew = PT720H (from --set); expected a duration from PT1S to "
                        + "P1D, e.g. PT5M");
        assertThatThrownBy(() -> settings(Map.of(), "scorer.max-future-skew=five minutes"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scorer.max-future-skew");
        assertThatThrownBy(() -> settings(Map.of(), "scorer.default-tenant=acme "))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid scorer.default-tenant = 'acme ' (from --set); expected empty");
    }
}
