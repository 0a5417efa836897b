package io.shadow.cli.backtest;

import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.store.Database;
import io.shadow.mitigation.store.ProfileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The profiles the service runs with, resolved as the service resolves them at start
 * ({@code ProfileVersions.startWith}): the configured ones (the {@code profiles} key, else the
 * built-in defaults), unless the mitigation store holds a newer version (uploaded through the API).
 * The store is only read: not created, not migrated.
 */
public final class CurrentProfiles {
    private CurrentProfiles() {
    }

    public static Backtest.Profiles resolve(ShadowConfig cfg, ResolvedPaths paths) {
        boolean configuredFile = !cfg.profiles().isBlank();
        ProfileSet configured = configuredFile ? ProfileLoader.load(Path.of(cfg.profiles())) : ProfileLoader.defaults();
        String source = configuredFile ? cfg.profiles() : "built-in defaults";
        Optional<ProfileStore.Version> stored = stored(cfg, paths);
        if (stored.isPresent() && stored.get().version() >= configured.version()) {
            ProfileStore.Version v = stored.get();
            return new Backtest.Profiles("current", "mitigation store, profiles v" + v.version() + " by " + v.author(),
                    ProfileLoader.parseStored(v.yaml(), "stored profiles v" + v.version()));
        }
        return new Backtest.Profiles("current", source, configured);
    }

    private static Optional<ProfileStore.Version> stored(ShadowConfig cfg, ResolvedPaths paths) {
        Path store = paths.dataDir().resolve("store");
        if (paths.jdbcUrl().equals(Database.h2Url(store)) && !Files.exists(store.resolve("shadow.mv.db"))) {
            return Optional.empty(); // the embedded store was never created
        }
        // H2 creates a missing database on connect; IFEXISTS makes that a failure instead
        String url = paths.jdbcUrl().startsWith("jdbc:h2:") ? paths.jdbcUrl() + ";IFEXISTS=TRUE" : paths.jdbcUrl();
        try (Database db = Database.openExisting(url, cfg.store().user(), cfg.store().password())) {
            return new ProfileStore(db).latest();
        } catch (RuntimeException e) {
            return Optional.empty(); // an unreachable or unmigrated store has no uploaded profiles to prefer
        }
    }
}
