package io.shadow.model.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.files.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry on an MLflow tracking server (2.x or 3.x REST API), for {@code registry.uri =
 * http(s)://...}. Runs carry params, metrics, tags and the model directory as artifacts (uploaded
 * through the server's artifact proxy, so the server must run with {@code --serve-artifacts});
 * versions and the {@code champion} alias live in MLflow's model registry. A version is
 * downloaded once into {@code cacheDir} and loaded from there; the cache is keyed by version and
 * run id, so a reset or different server whose version N is another run is fetched afresh.
 *
 * <p>Artifacts are written to a local staging directory ({@link #artifactDirectory}) and uploaded
 * by {@link #finishRun}, so a run that fails leaves no half-written model on the server.
 *
 * <p>Every call carries the {@link MlflowCredentials} given, or the user:password in the URI, which
 * messages show masked. Each look at an alias records the version it found in the cache ({@code
 * <model>/aliases/<alias>.json}), which {@link #lastSeen} reads while the server cannot be reached.
 *
 * <p>A version whose run is deleted, garbage-collected or without its model files is a {@link
 * MissingRunException}, as a lost run directory is for {@link LocalModelRegistry}: checked at every
 * look, also for a cached version, so every machine judges the champion alike.
 */
public final class MlflowModelRegistry implements ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowModelRegistry.class);
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final MlflowRest rest;
    private final Path cacheDir;
    private final SeenAliases seen;
    private final Map<String, String> artifactRoots = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** With MLflow's own variables ({@link MlflowCredentials#fromEnvironment}) unless the URI holds a user. */
    public MlflowModelRegistry(URI trackingUri, Path cacheDir) {
        this(trackingUri, cacheDir, TIMEOUT);
    }

    public MlflowModelRegistry(URI trackingUri, Path cacheDir, Duration timeout) {
        this(trackingUri, cacheDir, timeout, MlflowCredentials.fromEnvironment(System.getenv()));
    }

    /** @param credentials sent with every call, unless {@code trackingUri} holds a user:password (sent instead) */
    public MlflowModelRegistry(URI trackingUri, Path cacheDir, Duration timeout, MlflowCredentials credentials) {
        String scheme = trackingUri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("registry.uri " + ModelRegistries.shown(trackingUri.toString())
                    + " is not an MLflow tracking server; use http(s)://host:port, or a directory for the local "
                    + "registry");
        }
        this.rest = new MlflowRest(trackingUri, timeout, MlflowCredentials.fromUri(trackingUri).or(credentials));
        this.cacheDir = cacheDir.toAbsolutePath();
        this.seen = new SeenAliases(this.cacheDir);
    }

    /** The server, as messages show it (a password in the URI masked). */
    public URI uri() {
        return rest.shown();
    }

    @Override
    public String startRun(String experiment, Map<String, String> params) {
        long now = System.currentTimeMillis();
        JsonNode run = rest.post("runs/create", Map.of("experiment_id", experimentId(experiment),
                "start_time", now, "run_name", experiment + "-" + now)).path("run").path("info");
        String runId = run.path("run_id").asText();
        artifactRoots.put(runId, run.path("artifact_uri").asText());
        List<Map<String, String>> p = new ArrayList<>();
        params.forEach((k, v) -> p.add(Map.of("key", k, "value", v)));
        if (!p.isEmpty()) {
            rest.post("runs/log-batch", Map.of("run_id", runId, "params", p));
        }
        return runId;
    }

    @Override
    public void logMetrics(String runId, Map<String, Double> metrics) {
        long now = System.currentTimeMillis();
        List<Map<String, Object>> m = new ArrayList<>();
        // MLflow takes NaN as the JSON string "NaN" (Jackson's default for non-finite doubles)
        metrics.forEach((k, v) -> m.add(Map.of("key", k, "value", v, "timestamp", now, "step", 0)));
        if (!m.isEmpty()) {
            rest.post("runs/log-batch", Map.of("run_id", runId, "metrics", m));
        }
    }

    @Override
    public void setTag(String runId, String key, String value) {
        rest.post("runs/set-tag", Map.of("run_id", runId, "key", key, "value", value));
    }

    @Override
    public Optional<String> tag(String runId, String key) {
        try {
            for (JsonNode t : rest.get("runs/get", Map.of("run_id", runId)).path("run").path("data").path("tags")) {
                if (key.equals(t.path("key").asText())) {
                    return Optional.of(t.path("value").asText());
                }
            }
            return Optional.empty();
        } catch (MlflowRest.Failure e) {
            if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Path artifactDirectory(String runId, String artifactPath) {
        if (!artifactRoots.containsKey(runId)) {
            throw new IllegalStateException("run " + runId + " was not started by this registry instance; artifacts "
                    + "are staged locally and uploaded by finishRun of the instance that started the run");
        }
        Path dir = staging(runId).resolve(artifactPath);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the artifact staging directory " + dir, e);
        }
        return dir;
    }

    @Override
    public void finishRun(String runId, boolean succeeded) {
        Path staged = staging(runId);
        try {
            if (succeeded && Files.isDirectory(staged)) {
                String root = proxyPath(runId, artifactRoots.get(runId));
                try (Stream<Path> files = Files.walk(staged)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        rest.upload(root + "/" + staged.relativize(f).toString().replace('\\', '/'), f);
                    }
                }
            }
            rest.post("runs/update", Map.of("run_id", runId, "status", succeeded ? "FINISHED" : "FAILED",
                    "end_time", System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot upload the artifacts of run " + runId + " from " + staged
                    + " to " + rest.shown(), e);
        } finally {
            artifactRoots.remove(runId);
            deleteRecursively(staged);
        }
    }

    @Override
    public int registerVersion(String modelName, String runId, String artifactPath) {
        try {
            rest.post("registered-models/create", Map.of("name", modelName));
        } catch (MlflowRest.Failure e) {
            if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode)) {
                throw e;
            }
        }
        JsonNode v = rest.post("model-versions/create", Map.of("name", modelName,
                "source", "runs:/" + runId + "/" + artifactPath, "run_id", runId)).path("model_version");
        return Integer.parseInt(v.path("version").asText());
    }

    @Override
    public void setAlias(String modelName, String alias, int version) {
        JsonNode v = null;
        try {
            v = rest.get("model-versions/get", Map.of("name", modelName, "version", Integer.toString(version)))
                    .path("model_version");
        } catch (MlflowRest.Failure e) {
            if (!"RESOURCE_DOES_NOT_EXIST".equals(e.errorCode)) {
                throw e;
            }
            // no such version: the alias call below fails with MLflow's own answer
        }
        if (v != null) { // the scorer could not load it: refuse rather than serve nothing new
            loadable(modelName + ":" + version, v, "alias '" + alias + "' stays where it was; point it at a version "
                    + "whose run exists");
        }
        rest.post("registered-models/alias", Map.of("name", modelName, "alias", alias,
                "version", Integer.toString(version)));
    }

    @Override
    public Optional<ModelVersion> version(String modelName, String alias) {
        JsonNode v;
        try {
            v = rest.get("registered-models/alias", Map.of("name", modelName, "alias", alias)).path("model_version");
        } catch (MlflowRest.Failure e) {
            // a missing model is 404 RESOURCE_DOES_NOT_EXIST; a missing alias is 400 INVALID_PARAMETER_VALUE
            if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode) || ("INVALID_PARAMETER_VALUE".equals(e.errorCode)
                    && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("not found"))) {
                seen.forget(modelName, alias); // no champion now: a restart during an outage must not bring one back
                return Optional.empty();
            }
            throw e;
        }
        int number = Integer.parseInt(v.path("version").asText());
        String runId = v.path("run_id").asText();
        Loadable found;
        try {
            found = loadable(modelName + ":" + number, v, "alias '" + alias + "' points at it; promote a version "
                    + "whose run exists (bin/shadow models promote VERSION) or train a new one (bin/shadow train)");
        } catch (MissingRunException e) {
            if (warned.add(e.versionId() + " " + e.runId())) { // the scorer asks every few seconds: say it once
                LOG.warn("alias '{}' of model {} cannot be served: {}", alias, modelName, e.getMessage());
            }
            throw e;
        }
        JsonNode run = found.run();
        Path local = download(modelName, number, runId, found.artifact());
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (JsonNode m : run.path("data").path("metrics")) {
            metrics.put(m.path("key").asText(), m.path("value").asDouble());
        }
        ModelVersion served = new ModelVersion(modelName, number, runId, local, metrics);
        seen.remember(alias, served, rest.shown().toString());
        return Optional.of(served);
    }

    @Override
    public Optional<CachedVersion> lastSeen(String modelName, String alias) {
        return seen.lastSeen(modelName, alias);
    }

    @Override
    public List<RegisteredVersion> versions(String modelName) {
        List<RegisteredVersion> out = new ArrayList<>();
        String page = null;
        do {
            Map<String, String> query = new LinkedHashMap<>(Map.of("filter", "name='" + modelName + "'",
                    "max_results", "1000"));
            if (page != null) {
                query.put("page_token", page);
            }
            JsonNode found = rest.get("model-versions/search", query);
            for (JsonNode v : found.path("model_versions")) {
                String runId = v.path("run_id").asText();
                Map<String, Double> metrics = new LinkedHashMap<>();
                boolean missing = false;
                try {
                    JsonNode run = rest.get("runs/get", Map.of("run_id", runId)).path("run");
                    missing = "deleted".equals(run.path("info").path("lifecycle_stage").asText());
                    for (JsonNode m : run.path("data").path("metrics")) {
                        metrics.put(m.path("key").asText(), m.path("value").asDouble());
                    }
                } catch (MlflowRest.Failure e) {
                    if (!"RESOURCE_DOES_NOT_EXIST".equals(e.errorCode)) {
                        throw e;
                    }
                    missing = true;
                }
                out.add(new RegisteredVersion(modelName, Integer.parseInt(v.path("version").asText()), runId,
                        v.has("creation_timestamp") ? java.time.Instant.ofEpochMilli(v.path("creation_timestamp")
                                .asLong()) : null, missing ? Map.of() : metrics, missing));
            }
            page = found.path("next_page_token").asText(null);
        } while (page != null && !page.isEmpty());
        out.sort(java.util.Comparator.comparingInt(RegisteredVersion::version));
        return out;
    }

    /**
     * The version's artifacts in the local cache, downloaded on first use. Keyed by version and run,
     * so a reset server (or another one) whose version N is another run is never served from cache.
     */
    private Path download(String modelName, int version, String runId, String artifact) {
        Path target = cacheDir.resolve(modelName).resolve("version-" + version + "-" + runId);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path tmp = cacheDir.resolve(modelName).resolve(".download-" + version + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            if (fetch(artifact, tmp) == 0) { // removed since loadable() looked
                throw new MissingRunException(modelName + ":" + version, runId, noModelFiles(artifact),
                        "promote a version whose run logged its model");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                if (!Files.isDirectory(target)) {
                    Files.move(tmp, target);
                }
            } catch (IOException maybeRaced) {
                if (!Files.isDirectory(target)) {
                    throw maybeRaced;
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download " + artifact + " from " + rest.shown() + " into "
                    + cacheDir + "; check that the directory is writable", e);
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** A version's run and the proxy path of its model files. */
    private record Loadable(JsonNode run, String artifact) {
    }

    /**
     * The run a version was registered from and where its model files are, or a {@link
     * MissingRunException} when MLflow no longer has the run (garbage-collected), has it deleted
     * (in its trash until {@code mlflow gc}), or holds no model files for it.
     */
    private Loadable loadable(String versionId, JsonNode version, String fix) {
        String runId = version.path("run_id").asText();
        JsonNode run;
        try {
            run = rest.get("runs/get", Map.of("run_id", runId)).path("run");
        } catch (MlflowRest.Failure e) {
            if (!"RESOURCE_DOES_NOT_EXIST".equals(e.errorCode)) {
                throw e;
            }
            throw new MissingRunException(versionId, runId, "is missing from the model registry at " + rest.shown()
                    + " (deleted and garbage-collected)", fix);
        }
        if ("deleted".equals(run.path("info").path("lifecycle_stage").asText())) {
            throw new MissingRunException(versionId, runId, "is deleted in the model registry at " + rest.shown()
                    + " (in MLflow's trash until mlflow gc removes it; runs/restore brings it back)", fix);
        }
        String artifact = proxyPath(runId, run.path("info").path("artifact_uri").asText()) + "/"
                + artifactPath(version.path("source").asText(), runId);
        if (rest.listArtifacts(artifact).path("files").isEmpty()) {
            throw new MissingRunException(versionId, runId, noModelFiles(artifact), fix);
        }
        return new Loadable(run, artifact);
    }

    private String noModelFiles(String artifact) {
        return "has no model files in the model registry at " + rest.shown() + " (nothing under artifact path "
                + artifact + ")";
    }

    private long fetch(String remote, Path local) throws IOException {
        long n = 0;
        for (JsonNode f : rest.listArtifacts(remote).path("files")) {
            String path = f.path("path").asText();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (f.path("is_dir").asBoolean()) {
                Files.createDirectories(local.resolve(name));
                n += fetch(remote + "/" + name, local.resolve(name));
            } else {
                rest.download(remote + "/" + name, local.resolve(name));
                n++;
            }
        }
        return n;
    }

    private String experimentId(String name) {
        try {
            return rest.get("experiments/get-by-name", Map.of("experiment_name", name))
                    .path("experiment").path("experiment_id").asText();
        } catch (MlflowRest.Failure e) {
            if (!"RESOURCE_DOES_NOT_EXIST".equals(e.errorCode)) {
                throw e;
            }
        }
        try {
            return rest.post("experiments/create", Map.of("name", name)).path("experiment_id").asText();
        } catch (MlflowRest.Failure e) {
            if ("RESOURCE_ALREADY_EXISTS".equals(e.errorCode)) {
                return experimentId(name);
            }
            throw e;
        }
    }

    /** The path of a run's artifact root under the server's artifact proxy. */
    private String proxyPath(String runId, String artifactUri) {
        URI u = URI.create(artifactUri);
        if (!"mlflow-artifacts".equals(u.getScheme())) {
            throw new IllegalStateException("run " + runId + " stores its artifacts at " + artifactUri + ", which "
                    + "only the server can reach; start the MLflow server at " + rest.shown() + " with "
                    + "--serve-artifacts (artifact root mlflow-artifacts:/)");
        }
        return u.getPath().replaceAll("^/+", "").replaceAll("/+$", "");
    }

    /** The artifact path inside the run of a version's {@code runs:/<run>/<path>} (or full URI) source. */
    private static String artifactPath(String source, String runId) {
        int at = source.indexOf(runId + "/");
        if (at < 0) {
            throw new IllegalStateException("model version source " + source + " does not name run " + runId);
        }
        String rest = source.substring(at + runId.length() + 1);
        return rest.startsWith("artifacts/") && !source.startsWith("runs:/") ? rest.substring("artifacts/".length())
                : rest;
    }

    private Path staging(String runId) {
        return cacheDir.resolve(".staging").resolve(runId);
    }

    private static void deleteRecursively(Path p) {
        try {
            FileTrees.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }
}
