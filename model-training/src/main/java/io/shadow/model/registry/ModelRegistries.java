package io.shadow.model.registry;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Opens the registry {@code registry.uri} names: blank or a directory → local, {@code http(s)://} → MLflow. */
public final class ModelRegistries {
    private ModelRegistries() {
    }

    /**
     * As {@link #open(String, Path, MlflowCredentials)} with MLflow's own variables ({@code
     * MLFLOW_TRACKING_USERNAME}, {@code MLFLOW_TRACKING_PASSWORD}, {@code MLFLOW_TRACKING_TOKEN}).
     */
    public static ModelRegistry open(String uri, Path defaultDir) {
        return open(uri, defaultDir, MlflowCredentials.fromEnvironment(System.getenv()));
    }

    /**
     * @param uri the {@code registry.uri} setting: blank for {@code defaultDir}, a directory or
     *     {@code file:} URI for a local registry there, {@code http(s)://host:port} for an MLflow server
     * @param defaultDir the local registry directory under the data dir; MLflow downloads are cached
     *     beside it in {@code <defaultDir>-cache}
     * @param credentials what an MLflow server is sent unless {@code uri} holds a user:password
     */
    public static ModelRegistry open(String uri, Path defaultDir, MlflowCredentials credentials) {
        Optional<Path> local = localDirectory(uri, defaultDir);
        if (local.isPresent()) {
            return new LocalModelRegistry(local.get());
        }
        Path cache = defaultDir.resolveSibling(defaultDir.getFileName() + "-cache");
        URI server;
        try {
            server = URI.create(uri.trim());
        } catch (IllegalArgumentException e) { // its message would repeat the URI, password and all
            throw new IllegalArgumentException("registry.uri " + shown(uri) + " is not a URI; expected "
                    + "http(s)://host:port of an MLflow tracking server");
        }
        return new MlflowModelRegistry(server, cache, MlflowModelRegistry.TIMEOUT, credentials);
    }

    /**
     * {@code uri} as every message shows it: a password in it masked ({@code http://alice:***@host}, a
     * user part without one, which may be a token, as {@code ***}); see {@link
     * io.shadow.features.config.Credentials#redact}.
     */
    public static String shown(String uri) {
        return io.shadow.features.config.Credentials.redact(uri);
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
            throw new IllegalArgumentException("registry.uri " + shown(u) + " has an unsupported scheme; use a "
                    + "directory, file:///dir, or http(s)://host:port of an MLflow tracking server");
        }
        return Optional.of(Path.of(u));
    }
}
