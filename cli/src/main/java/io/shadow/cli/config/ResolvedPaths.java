package io.shadow.cli.config;

import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.store.Database;
import java.net.URI;
import java.nio.file.Path;

/** The locations a config resolves to, with the embedded defaults under {@code data-dir}. */
public record ResolvedPaths(Path dataDir, TableCatalog catalog, Path registry, String jdbcUrl) {

    public static ResolvedPaths of(ShadowConfig c) {
        Path data = Path.of(c.dataDir()).toAbsolutePath().normalize();
        TableCatalog catalog = c.warehouse().isBlank() ? TableCatalog.local(data.resolve("warehouse"))
                : new TableCatalog(URI.create(c.warehouse()));
        Path registry = c.registry().isBlank() ? data.resolve("registry") : Path.of(c.registry()).toAbsolutePath();
        String jdbc = c.store().jdbcUrl().isBlank() ? Database.h2Url(data.resolve("store")) : c.store().jdbcUrl();
        return new ResolvedPaths(data, catalog, registry, jdbc);
    }

    /** Where agents ship event files and ingest reads them. */
    public String landingEvents() {
        return io.shadow.agents.ship.LandingZoneShipper.eventsDirectory(catalog.landingZone());
    }
}
