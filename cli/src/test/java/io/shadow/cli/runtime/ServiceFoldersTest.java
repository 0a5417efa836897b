package io.shadow.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.features.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders the service writes in that cannot be created: the service refuses to start with one
 * error naming the key, before the store opens. {@code /proc} stands for a folder nobody may
 * create folders in (root included).
 */
class ServiceFoldersTest {
    private static final Path PROC = Path.of("/proc");

    @TempDir
    Path dir;

    @BeforeEach
    void procRefusesNewFolders() {
        assumeTrue(Files.isDirectory(PROC) && !Files.exists(PROC.resolve("shadow-data")), "needs Linux /proc");
    }

    private static void start(String... sets) {
        List<String> all = new java.util.ArrayList<>(List.of("server.port=0"));
        all.addAll(List.of(sets));
        ShadowRuntime rt = ShadowRuntime.start(ConfigLoader.load(null, Map.of(), all));
        rt.close();
    }

    @Test
    void aDataDirThatCannotBeCreatedIsAConfigErrorNotAStoreError() {
        Path data = PROC.resolve("shadow-data");
        assertThatThrownBy(() -> start("data-dir=" + data))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid data-dir = " + data + "; expected a folder Shadow can write in, but "
                        + "it cannot be created: ")
                .hasMessageEndingWith(". Set data-dir to a writable folder (created if missing)");
    }

    @Test
    void aCheckpointDirThatCannotBeCreatedStopsTheServiceBeforeItStarts() {
        Path checkpoints = PROC.resolve("shadow-checkpoints");
        assertThatThrownBy(() -> start("data-dir=" + dir, "scorer.checkpoint-dir=" + checkpoints))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid scorer.checkpoint-dir = " + checkpoints + "; expected a folder "
                        + "Shadow can write in, but it cannot be created: ")
                .hasMessageEndingWith(". Set scorer.checkpoint-dir to a writable folder (created if missing)");
        assertThat(dir.resolve("store")).as("the store was not opened").doesNotExist();
    }
}
