package io.shadow.agents.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A source's progress, kept as a small JSON file and replaced atomically (write, fsync, rename). */
final class SourceState {
    private static final ObjectMapper JSON = EventCodec.mapper();
    private final Path file;

    SourceState(Path stateDir, String sourceName) {
        this.file = stateDir.resolve("source-" + sourceName.replaceAll("[^A-Za-z0-9._-]", "_") + ".state.json");
    }

    ObjectNode load() {
        if (Files.notExists(file)) {
            return JSON.createObjectNode();
        }
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("source state " + file + " is unreadable (" + e.getMessage()
                    + "); delete it to re-read the source from the start (downstream de-duplicates)", e);
        }
    }

    void save(ObjectNode state) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            io.shadow.agents.spool.DurableFile.replace(file, tmp, JSON.writeValueAsBytes(state));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save source state " + file, e);
        }
    }
}
