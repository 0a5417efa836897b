package io.shadow.model.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A model registry in a local directory, laid out like MLflow's file store:
 * {@code mlruns/<experiment>/<run>/{meta.yaml,params,metrics,artifacts}} and
 * {@code mlruns/models/<name>/{meta.yaml,version-N/meta.yaml,aliases/<alias>}} (MLflow 3 reads it
 * only with {@code MLFLOW_ALLOW_FILE_STORE=true}: its file store is in maintenance mode). Version
 * numbers and alias moves are atomic on one file system.
 */
public final class LocalModelRegistry implements ModelRegistry {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Path root;

    public LocalModelRegistry(Path root) {
        this.root = root.toAbsolutePath().resolve("mlruns");
        try {
            Files.createDirectories(this.root.resolve("models"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create model registry at " + this.root
                    + "; set registry.uri to a writable directory", e);
        }
    }

    /** Whether a registry was created in {@code dir} (the constructor creates one). */
    public static boolean exists(Path dir) {
        return Files.isDirectory(dir.toAbsolutePath().resolve("mlruns").resolve("models"));
    }

    public Path root() {
        return root;
    }

    @Override
    public String startRun(String experiment, Map<String, String> params) {
        String exp = experimentId(experiment);
        String runId = UUID.randomUUID().toString().replace("-", "");
        Path run = root.resolve(exp).resolve(runId);
        long now = System.currentTimeMillis();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("artifact_uri", run.resolve("artifacts").toUri().toString());
        meta.put("experiment_id", exp);
        meta.put("lifecycle_stage", "active");
        meta.put("run_id", runId);
        meta.put("run_uuid", runId);
        meta.put("run_name", experiment + "-" + now);
        meta.put("source_type", 4);
        meta.put("start_time", now);
        meta.put("end_time", null);
        meta.put("status", 1);
        meta.put("user_id", System.getProperty("user.name"));
        try {
            Files.createDirectories(run.resolve("params"));
            Files.createDirectories(run.resolve("metrics"));
            Files.createDirectories(run.resolve("tags"));
            Files.createDirectories(run.resolve("artifacts"));
            writeYaml(run.resolve("meta.yaml"), meta);
            for (var p : params.entrySet()) {
                Files.writeString(run.resolve("params").resolve(p.getKey()), p.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runId;
    }

    @Override
    public void logMetrics(String runId, Map<String, Double> metrics) {
        Path dir = runDir(runId).resolve("metrics");
        long now = System.currentTimeMillis();
        try {
            for (var m : metrics.entrySet()) {
                Files.writeString(dir.resolve(m.getKey()), now + " " + m.getValue() + " 0\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void setTag(String runId, String key, String value) {
        checkName(key);
        try {
            Files.writeString(runDir(runId).resolve("tags").resolve(key), value, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tag " + key + " of run " + runId + " in " + root, e);
        }
    }

    @Override
    public Optional<String> tag(String runId, String key) {
        Optional<Path> run = findRun(runId);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        Path f = run.get().resolve("tags").resolve(key);
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.readString(f)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Path artifactDirectory(String runId, String artifactPath) {
        return runDir(runId).resolve("artifacts").resolve(artifactPath);
    }

    @Override
    public void finishRun(String runId, boolean succeeded) {
        Path meta = runDir(runId).resolve("meta.yaml");
        Map<String, Object> m = readYaml(meta);
        m.put("status", succeeded ? 3 : 4);
        m.put("end_time", System.currentTimeMillis());
        writeYaml(meta, m);
    }

    @Override
    public int registerVersion(String modelName, String runId, String artifactPath) {
        checkName(modelName);
        Path model = root.resolve("models").resolve(modelName);
        long now = System.currentTimeMillis();
        try {
            if (Files.notExists(model.resolve("meta.yaml"))) {
                Files.createDirectories(model);
                writeYaml(model.resolve("meta.yaml"), new LinkedHashMap<>(Map.of("name", modelName,
                        "creation_timestamp", now, "last_updated_timestamp", now, "description", "")));
            }
            for (int v = latestVersion(model) + 1; ; v++) {
                Path dir = model.resolve("version-" + v);
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("name", modelName);
                meta.put("version", v);
                meta.put("run_id", runId);
                meta.put("source", "runs:/" + runId + "/" + artifactPath);
                meta.put("storage_location", artifactDirectory(runId, artifactPath).toUri().toString());
                meta.put("status", "READY");
                meta.put("current_stage", "None");
                meta.put("creation_timestamp", now);
                meta.put("last_updated_timestamp", now);
                writeYaml(dir.resolve("meta.yaml"), meta);
                return v;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void setAlias(String modelName, String alias, int version) {
        Path model = root.resolve("models").resolve(modelName);
        Path meta = model.resolve("version-" + version).resolve("meta.yaml");
        if (Files.notExists(meta)) {
            throw new IllegalArgumentException("model " + modelName + " has no version " + version
                    + "; register it before pointing alias '" + alias + "' at it");
        }
        String runId = (String) readYaml(meta).get("run_id");
        if (findRun(runId).isEmpty()) { // the scorer could not load it: refuse rather than serve nothing new
            throw new MissingRunException(modelName + ":" + version, runId, missingFrom(), "alias '" + alias
                    + "' stays where it was; point it at a version whose run exists");
        }
        Path aliases = model.resolve("aliases");
        try {
            Files.createDirectories(aliases);
            Path tmp = aliases.resolve("." + alias + "." + UUID.randomUUID());
            Files.writeString(tmp, Integer.toString(version));
            try {
                Files.move(tmp, aliases.resolve(alias), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, aliases.resolve(alias), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<ModelVersion> version(String modelName, String alias) {
        Path file = root.resolve("models").resolve(modelName).resolve("aliases").resolve(alias);
        if (Files.notExists(file)) {
            return Optional.empty();
        }
        try {
            int v = Integer.parseInt(Files.readString(file).trim());
            Map<String, Object> meta = readYaml(root.resolve("models").resolve(modelName).resolve("version-" + v)
                    .resolve("meta.yaml"));
            String runId = (String) meta.get("run_id");
            if (findRun(runId).isEmpty()) {
                throw new MissingRunException(modelName + ":" + v, runId, missingFrom(), "alias '" + alias
                        + "' points at it; promote a version whose run exists (bin/shadow models promote VERSION)"
                        + " or train a new one (bin/shadow train)");
            }
            String source = (String) meta.get("source");
            String artifactPath = source.substring(source.indexOf(runId) + runId.length() + 1);
            return Optional.of(new ModelVersion(modelName, v, runId, artifactDirectory(runId, artifactPath),
                    metrics(runId)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Latest logged value of every metric of a run. */
    public Map<String, Double> metrics(String runId) {
        Map<String, Double> out = new LinkedHashMap<>();
        Path dir = runDir(runId).resolve("metrics");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                if (!lines.isEmpty()) {
                    out.put(f.getFileName().toString(), Double.parseDouble(lines.get(lines.size() - 1).split(" ")[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public List<RegisteredVersion> versions(String modelName) {
        Path model = root.resolve("models").resolve(modelName);
        if (!Files.isDirectory(model)) {
            return List.of();
        }
        List<RegisteredVersion> out = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(model)) {
            for (Path dir : s.filter(p -> p.getFileName().toString().matches("version-[0-9]+"))
                    .filter(p -> Files.isRegularFile(p.resolve("meta.yaml"))).toList()) {
                Map<String, Object> meta = readYaml(dir.resolve("meta.yaml"));
                String runId = (String) meta.get("run_id");
                Optional<Path> run = findRun(runId);
                boolean measured = run.isPresent() && Files.isDirectory(run.get().resolve("metrics"));
                Object created = meta.get("creation_timestamp");
                out.add(new RegisteredVersion(modelName, Integer.parseInt(dir.getFileName().toString()
                        .substring("version-".length())), runId, created instanceof Number n
                        ? java.time.Instant.ofEpochMilli(n.longValue()) : null, measured ? metrics(runId) : Map.of(),
                        run.isEmpty()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(java.util.Comparator.comparingInt(RegisteredVersion::version));
        return out;
    }

    private int latestVersion(Path model) throws IOException {
        try (Stream<Path> s = Files.list(model)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("version-"))
                    .mapToInt(n -> Integer.parseInt(n.substring("version-".length()))).max().orElse(0);
        }
    }

    private String experimentId(String name) {
        checkName(name);
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                Path meta = p.resolve("meta.yaml");
                if (Files.isRegularFile(meta) && name.equals(readYaml(meta).get("name"))) {
                    return p.getFileName().toString();
                }
            }
            for (int id = 1; ; id++) {
                Path dir = root.resolve(Integer.toString(id));
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                long now = System.currentTimeMillis();
                writeYaml(dir.resolve("meta.yaml"), new LinkedHashMap<>(Map.of("experiment_id", Integer.toString(id),
                        "name", name, "artifact_location", dir.toUri().toString(), "lifecycle_stage", "active",
                        "creation_time", now, "last_update_time", now)));
                return Integer.toString(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String missingFrom() {
        return "is missing from the model registry at " + root;
    }

    private Path runDir(String runId) {
        // not a usage error: the registry lost a run it wrote (e.g. a directory deleted by hand)
        return findRun(runId).orElseThrow(() -> new IllegalStateException("no run " + runId + " in registry " + root
                + "; its directory was removed or the registry was copied without it"));
    }

    private Optional<Path> findRun(String runId) {
        try (Stream<Path> s = Files.list(root)) {
            for (Path exp : s.toList()) {
                Path run = exp.resolve(runId);
                if (Files.isDirectory(run)) {
                    return Optional.of(run);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    private static void checkName(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("registry name '" + name + "' may only hold letters, digits, '.', '_', "
                    + "'-'");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(Path p) {
        try {
            return YAML.readValue(p.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private static void writeYaml(Path p, Map<String, Object> m) {
        try {
            Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
            YAML.writeValue(tmp.toFile(), m);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p, e);
        }
    }
}
