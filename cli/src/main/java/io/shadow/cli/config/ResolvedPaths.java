package io.shadow.cli.config;

import io.shadow.features.config.ConfigFolders;
import io.shadow.features.table.TableCatalog;
import io.shadow.mitigation.store.Database;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.MlflowCredentials;
import io.shadow.model.registry.ModelRegistries;
import io.shadow.model.registry.ModelRegistry;
import java.net.URI;
import java.nio.file.Path;

/**
 * The locations a config resolves to, with the embedded defaults under {@code data-dir}.
 *
 * @param registry the local registry directory ({@code <data-dir>/registry} unless {@code registry.uri}
 *     names another); with an MLflow {@code registry.uri}, downloaded versions are cached beside it
 */
public record ResolvedPaths(Path dataDir, TableCatalog catalog, Path registry, String registryUri,
        MlflowCredentials registryCredentials, String jdbcUrl) {

    public static ResolvedPaths of(ShadowConfig c) {
        Path data = Path.of(c.dataDir()).toAbsolutePath().normalize();
        TableCatalog catalog = c.warehouse().isBlank() ? TableCatalog.local(data.resolve("warehouse"))
                : new TableCatalog(URI.create(c.warehouse()));
        Path registry = data.resolve("registry");
        String jdbc = c.store().jdbcUrl().isBlank() ? Database.h2Url(data.resolve("store")) : c.store().jdbcUrl();
        return new ResolvedPaths(data, catalog, registry, c.registry().uri().trim(), credentials(c.registry()), jdbc);
    }

    /** Shadow's own keys, else MLflow's variables; a user:password in the URI goes before either. */
    private static MlflowCredentials credentials(ShadowConfig.Registry r) {
        if (!r.token().isBlank()) {
            return MlflowCredentials.bearer(r.token().strip(), "registry.token");
        }
        if (!r.username().isBlank()) {
            return MlflowCredentials.basic(r.username().strip(), r.password(), "registry.username and registry.password");
        }
        return MlflowCredentials.fromEnvironment(System.getenv());
    }

    /**
     * Creates {@code data-dir} if missing and checks Shadow can write in it, for commands that write
     * there (store, tables, registry, checkpoints); a folder it cannot write in is a config error naming
     * {@code data-dir}, not a failure of whatever writes first.
     */
    public ResolvedPaths prepareDataDir() {
        ConfigFolders.prepare("data-dir", dataDir);
        return this;
    }

    /** The registry {@code registry.uri} names (see {@link ModelRegistries#open}). */
    public ModelRegistry openRegistry() {
        return ModelRegistries.open(registryUri, registry, registryCredentials);
    }

    /** Where the registry is, for messages: the MLflow server (a password masked), else the local directory. */
    public String registryLocation() {
        return ModelRegistries.localDirectory(registryUri, registry).map(Path::toString)
                .orElse(ModelRegistries.shown(registryUri));
    }

    /** Whether the registry can be read without creating it: an MLflow server, or a local one that exists. */
    public boolean registryExists() {
        return ModelRegistries.localDirectory(registryUri, registry).map(LocalModelRegistry::exists).orElse(true);
    }

    @Override
    public String toString() { // registry.uri may hold a password
        return "ResolvedPaths[dataDir=" + dataDir + ", catalog=" + catalog + ", registry=" + registry + ", registryUri="
                + ModelRegistries.shown(registryUri) + ", registryCredentials=" + registryCredentials + ", jdbcUrl="
                + jdbcUrl + "]";
    }

    /** Where agents ship event files and ingest reads them. */
    public String landingEvents() {
        return io.shadow.agents.ship.LandingZoneShipper.eventsDirectory(catalog.landingZone());
    }
}
