package io.shadow.model.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Registers a version of another registry here, as the next version of the same model: a new run
 * with its model files, its metrics (hold-out figures and {@code train_last_epoch_s}, so promotion
 * judges it as it judged it there) and where it came from. For moving the champion when {@code
 * registry.uri} changes; the source is only read.
 */
public final class ModelImport {
    /** Tag on the new run: the version, its run and the registry it was copied from. */
    public static final String IMPORTED_TAG = "shadow.imported-from";
    private static final String ARTIFACT = "model";

    private ModelImport() {
    }

    /** The version registered here, copied from {@code from}. */
    public record Imported(ModelVersion from, int version, String runId) {
        public String id() {
            return from.name() + ":" + version;
        }
    }

    /**
     * The version of {@code to} registered from {@code from} of {@code fromRegistry} by an earlier
     * {@link #copy}, if any (the same version, run and registry), so that importing twice registers once.
     */
    public static Optional<RegisteredVersion> earlierCopy(ModelVersion from, String fromRegistry, ModelRegistry to) {
        String origin = origin(from, fromRegistry);
        return to.versions(from.name()).stream().filter(v -> !v.runMissing())
                .filter(v -> to.tag(v.runId(), IMPORTED_TAG).filter(origin::equals).isPresent())
                .reduce((first, later) -> later);
    }

    private static String origin(ModelVersion from, String fromRegistry) {
        return from.id() + " (run " + from.runId() + ") from " + fromRegistry;
    }

    /**
     * @param fromRegistry where {@code from} is, as messages show it
     * @param experiment the experiment the new run goes to (the nightly run's)
     */
    public static Imported copy(ModelVersion from, String fromRegistry, ModelRegistry to, String experiment) {
        String run = to.startRun(experiment, Map.of("imported_version", from.id(), "imported_run", from.runId(),
                "imported_from", fromRegistry));
        boolean copied = false;
        try {
            copyFiles(from.localPath(), to.artifactDirectory(run, ARTIFACT));
            to.logMetrics(run, from.metrics());
            to.setTag(run, IMPORTED_TAG, origin(from, fromRegistry));
            copied = true;
        } finally {
            to.finishRun(run, copied); // a failed copy leaves a failed run, never a version
        }
        return new Imported(from, to.registerVersion(from.name(), run, ARTIFACT), run);
    }

    private static void copyFiles(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            List<Path> all = walk.toList();
            for (Path p : all) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the model files of " + from + " to " + to, e);
        }
    }
}
