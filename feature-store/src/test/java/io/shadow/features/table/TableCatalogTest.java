package io.shadow.features.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableCatalogTest {

    @Test
    void aRootWithoutSchemeIsRejectedWithExamples() {
        assertThatThrownBy(() -> new TableCatalog(URI.create("/var/shadow")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("warehouse root '/var/shadow' needs a scheme, e.g. file:///var/shadow or "
                        + "hdfs://namenode:8020/shadow");
    }

    @Test
    void localTablesLiveInsideTheDirectory(@TempDir Path dir) {
        TableCatalog catalog = TableCatalog.local(dir);

        assertThat(Path.of(URI.create(catalog.path(ShadowTable.EVENTS)))).isEqualTo(dir.resolve("bronze/events"));
        assertThat(Path.of(URI.create(catalog.path(ShadowTable.BASELINES))))
                .isEqualTo(dir.resolve("gold/baselines"));
        assertThat(catalog.path(ShadowTable.FEATURES)).startsWith("file:/");
    }

    @Test
    void aDirectoryNotYetCreatedIsStillTheParentOfItsTables(@TempDir Path dir) {
        Path warehouse = dir.resolve("warehouse");
        TableCatalog catalog = TableCatalog.local(warehouse);

        assertThat(Path.of(URI.create(catalog.path(ShadowTable.NOVELTY_PROFILES))))
                .isEqualTo(warehouse.resolve("gold/novelty_profiles"));
    }

    @Test
    void aDirectoryWithASpaceResolvesBackToItself(@TempDir Path dir) {
        Path warehouse = dir.resolve("shadow data");
        TableCatalog catalog = TableCatalog.local(warehouse);

        assertThat(Path.of(URI.create(catalog.path(ShadowTable.EVENTS)))).isEqualTo(warehouse.resolve("bronze/events"));
        assertThat(Path.of(URI.create(catalog.landingZone()))).isEqualTo(warehouse.resolve("landing"));
    }

    @Test
    void clusterRootsKeepTheirSchemeAndAuthority() {
        TableCatalog catalog = new TableCatalog(URI.create("hdfs://namenode:8020/shadow"));

        assertThat(catalog.root()).isEqualTo(URI.create("hdfs://namenode:8020/shadow/"));
        assertThat(catalog.path(ShadowTable.FEATURES)).isEqualTo("hdfs://namenode:8020/shadow/silver/features");
        assertThat(catalog.landingZone()).isEqualTo("hdfs://namenode:8020/shadow/landing/");
        assertThat(catalog.checkpoint("ingest")).isEqualTo("hdfs://namenode:8020/shadow/_checkpoints/ingest");
    }

    @Test
    void aTrailingSlashIsNotDoubled() {
        TableCatalog catalog = new TableCatalog(URI.create("s3a://bucket/shadow/"));

        assertThat(catalog.path(ShadowTable.INCIDENTS)).isEqualTo("s3a://bucket/shadow/gold/incidents");
    }
}
