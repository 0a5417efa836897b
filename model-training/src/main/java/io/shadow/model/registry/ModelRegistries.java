package io.shadow.model.registry;

import java.net.URI;
import java.nio.file.Path;

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
        String u = uri == null ? "" : uri.trim();
        if (u.isEmpty()) {
            return new LocalModelRegistry(defaultDir);
        }
        if (u.startsWith("http://") || u.startsWith("https://")) {
            Path cache = defaultDir.resolveSibling(defaultDir.getFileName() + "-cache");
            return new MlflowModelRegistry(URI.create(u), cache);
        }
        if (u.startsWith("file:")) {
            return new LocalModelRegistry(Path.of(URI.create(u)));
        }
        if (u.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("registry.uri " + u + " has an unsupported scheme; use a directory, "
                    + "file:///dir, or http(s)://host:port of an MLflow tracking server");
        }
        return new LocalModelRegistry(Path.of(u));
    }
}
