package io.shadow.model.registry;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Opens the registry {@code registry.uri} names: blank or a directory → local, {@code http(s)://} → MLflow. */
public final class ModelRegistries {
    private ModelRegistries() {
    }

    /**
     * @param uri the {@code registry.uri} setting: blank for {@code defaultDir}, a directory or
     *     {@code file:} URI for a local registry there, {@code http(s)://host:port} for an MLflow server
     * @param defaultDir the local registry directory under the data dir; MLflow downloads are cached
     *     beside it in {@code <defaultDir>-cache}
     */
    public static ModelRegistry open(String uri, Path defaultDir) {
        Optional<Path> local = localDirectory(uri, defaultDir);
        if (local.isPresent()) {
            return new LocalModelRegistry(local.get());
        }
        Path cache = defaultDir.resolveSibling(defaultDir.getFileName() + "-cache");
        return new MlflowModelRegistry(URI.create(uri.trim()), cache);
    }

    /**
     * The directory of the local registry {@code uri} names (see {@link #open}); empty for an MLflow
     * server. Lets a read-only command look without {@link LocalModelRegistry} creating the directory.
     */
    public static Optional<Path> localDirectory(String uri, Path defaultDir) {
        String u = uri == null ? "" : uri.trim();
        if (u.isEmpty()) {
            return Optional.of(defaultDir);
        }
        if (u.startsWith("http://") || u.startsWith("https://")) {
            return Optional.empty();
        }
        if (u.startsWith("file:")) {
            return Optional.of(Path.of(URI.create(u)));
        }
        if (u.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("registry.uri " + u + " has an unsupported scheme; use a directory, "
                    + "file:///dir, or http(s)://host:port of an MLflow tracking server");
        }
        return Optional.of(Path.of(u));
    }
}
