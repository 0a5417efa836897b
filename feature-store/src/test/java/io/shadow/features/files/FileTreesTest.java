package io.shadow.features.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesATreeButNeverWhatALinkInItPointsTo() throws Exception {
        Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("keep.txt"), "x");
        Path root = Files.createDirectories(tmp.resolve("root/a/b"));
        Files.writeString(root.resolve("f.txt"), "y");
        Files.createSymbolicLink(tmp.resolve("root/a/link"), outside.getParent());

        FileTrees.delete(tmp.resolve("root"));

        assertThat(tmp.resolve("root")).doesNotExist();
        assertThat(outside).hasContent("x");
    }

    @Test
    void deletingWhatIsNotThereIsNothing() throws Exception {
        FileTrees.delete(tmp.resolve("absent"));
        assertThat(FileTrees.deleteQuietly(tmp.resolve("absent"))).isTrue();
    }

    @Test
    void deleteContentsKeepsTheDirectory() throws Exception {
        Files.writeString(Files.createDirectories(tmp.resolve("d/sub")).resolve("f"), "z");
        Files.writeString(tmp.resolve("d/g"), "z");

        FileTrees.deleteContents(tmp.resolve("d"));

        assertThat(tmp.resolve("d")).isEmptyDirectory();
    }
}
