package io.shadow.model.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version each alias pointed at when a remote registry was last reached, kept beside the
 * downloaded versions ({@code <cache>/<model>/aliases/<alias>.json}), so that a scorer restarted
 * while the registry is out of reach serves the champion it knew rather than no model. Failing to
 * write it never fails a look at the registry: it only matters for a later outage.
 */
final class SeenAliases {
    private static final Logger LOG = LoggerFactory.getLogger(SeenAliases.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path cacheDir;

    SeenAliases(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /**
     * Records the version an alias points at; when unchanged only the file's time moves (a look every
     * poll), which {@link #lastSeen} reports as when the registry last confirmed it.
     *
     * @param registry the registry as messages show it
     */
    void remember(String alias, ModelVersion v, String registry) {
        Path record = record(v.name(), alias);
        try {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("version", v.version());
            r.put("run_id", v.runId());
            r.put("directory", v.localPath().getFileName().toString());
            r.put("registry", registry);
            r.put("metrics", v.metrics());
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(r);
            if (Files.isRegularFile(record) && Arrays.equals(Files.readAllBytes(record), bytes)) {
                Files.setLastModifiedTime(record, FileTime.from(Instant.now()));
                return;
            }
            Files.createDirectories(record.getParent());
            Path tmp = record.resolveSibling("." + record.getFileName() + "-" + UUID.randomUUID());
            Files.write(tmp, bytes);
            Files.move(tmp, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot record in {} that alias '{}' of {} points at {}: {}", record, alias, v.name(), v.id(),
                    e.toString());
        }
    }

    /** The registry says the alias points nowhere: an outage must not bring the old version back. */
    void forget(String modelName, String alias) {
        try {
            Files.deleteIfExists(record(modelName, alias));
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", record(modelName, alias), e.toString());
        }
    }

    /** The version recorded, if its files are still in the cache. */
    Optional<CachedVersion> lastSeen(String modelName, String alias) {
        Path record = record(modelName, alias);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        try {
            JsonNode r = JSON.readTree(record.toFile());
            String directory = r.path("directory").asText();
            Path local = cacheDir.resolve(modelName).resolve(directory);
            if (directory.isEmpty() || !Files.isDirectory(local)) {
                return Optional.empty();
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            r.path("metrics").fields().forEachRemaining(m -> metrics.put(m.getKey(), m.getValue().asDouble()));
            return Optional.of(new CachedVersion(new ModelVersion(modelName, r.path("version").asInt(),
                    r.path("run_id").asText(), local, metrics), Files.getLastModifiedTime(record).toInstant(),
                    r.path("registry").asText()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {} (the version alias '{}' of {} pointed at when the registry was last reached): {}",
                    record, alias, modelName, e.toString());
            return Optional.empty();
        }
    }

    private Path record(String modelName, String alias) {
        return cacheDir.resolve(modelName).resolve("aliases").resolve(alias + ".json");
    }
}
