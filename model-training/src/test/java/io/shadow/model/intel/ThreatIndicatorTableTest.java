package io.shadow.model.intel;

import static io.shadow.model.intel.StixBundleParserTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.TableCatalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed files as the fallback while the nightly has not written {@code threat_indicators} yet. */
class ThreatIndicatorTableTest {

    @Test
    void aMissingFallbackFeedIsLeftOutAndNamedWhileTheOthersAreLoaded(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("feodo.csv");
        ThreatIndicatorTable.Loaded loaded = ThreatIndicatorTable.load(new KernelTableReader(),
                TableCatalog.local(dir.resolve("warehouse")), List.of(fixture("plain-ips.txt"), missing));

        assertThat(loaded.tableVersion()).isEqualTo(-1);
        assertThat(loaded.intel().matchIp("185.220.101.4")).as("the readable feed still counts").isPresent();
        assertThat(loaded.from()).endsWith(", 1 of them left out: threat feed " + missing + " does not exist (a "
                + "download that failed and removed it?); fix the download or remove it from intel.feeds");
    }
}
