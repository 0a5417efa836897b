package io.shadow.features.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteCheckTest {
    @TempDir
    Path dir;

    @Test
    void aFolderThatCanBeMadeIsKeptOrRemovedAsAsked() throws Exception {
        Path kept = dir.resolve("a/b/c");
        assertThat(WriteCheck.tryWrite(kept, true)).isEmpty();
        assertThat(kept).isDirectory().isEmptyDirectory();

        Path removed = dir.resolve("x/y/z");
        assertThat(WriteCheck.tryWrite(removed, false)).isEmpty();
        assertThat(dir.resolve("x")).as("every folder the check made is gone").doesNotExist();
        assertThat(kept).as("folders that existed before stay").isDirectory();
    }

    @Test
    void aPathUnderAFileIsNeverAFolderAndNothingIsCreated() throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        assertThat(WriteCheck.notAFolder(file.resolve("sub"))).contains(file + " is a file, not a folder");
        assertThat(WriteCheck.tryWrite(file.resolve("sub/deeper"), true)).contains(file + " is a file, not a folder");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aFolderWhereNothingCanBeWrittenSaysWhy() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "needs Linux /proc");
        assertThat(WriteCheck.tryWrite(Path.of("/proc/shadow-nope"), false)).hasValueSatisfying(
                why -> assertThat(why).startsWith("it cannot be created: "));
        assertThat(WriteCheck.tryWrite(Path.of("/proc"), false)).hasValueSatisfying(
                why -> assertThat(why).startsWith("no file can be written in it: "));
    }
}
