package io.shadow.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real folders: the demo empties only a folder it created, and refuses everything else untouched. */
class DemoWorkdirTest {
    @TempDir
    Path dir;

    private DemoWorkdir workdir() {
        return new DemoWorkdir(dir.resolve(".shadow/demo"), List.of(
                new DemoWorkdir.Kept("the home folder", dir.resolve("home")),
                new DemoWorkdir.Kept("the current folder", dir.resolve("home/project"))));
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aFolderHoldingTheUsersFilesIsRefusedAndLeftIntact() throws Exception {
        Path mine = dir.resolve("x");
        Files.createDirectories(mine.resolve("sub"));
        Files.writeString(mine.resolve("important.txt"), "keep me");
        Files.writeString(mine.resolve("sub/notes.md"), "and me");

        assertThatThrownBy(() -> workdir().prepare(mine)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--workdir " + mine + " holds files the demo did not write (important.txt, sub; no "
                        + ".shadow-demo marker), and the demo empties its folder at every run: pick a new or empty "
                        + "folder, or delete " + mine + " yourself if nothing in it is needed");
        assertThat(names(mine)).containsExactly("", "important.txt", "sub", "sub/notes.md");
        assertThat(mine.resolve("important.txt")).hasContent("keep me");
    }

    @Test
    void aFileIsRefusedAndStaysAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "data");

        assertThatThrownBy(() -> workdir().prepare(file))
                .hasMessageStartingWith("--workdir " + file + " is a file, not a folder; the demo needs a folder of "
                        + "its own: pick a new or empty folder");
        assertThat(file).isRegularFile().hasContent("data");
    }

    @Test
    void homeCurrentFolderRootAndRepositoriesAreNeverUsedEvenWithTheMarker() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home/project"));
        Path repo = Files.createDirectories(dir.resolve("repo/.git"));
        for (Path p : List.of(home.getParent(), home, repo.getParent())) {
            Files.writeString(p.resolve(DemoWorkdir.MARKER), "planted");
            Files.writeString(p.resolve("precious.txt"), "data");
        }

        assertThatThrownBy(() -> workdir().prepare(dir.resolve("home")))
                .hasMessageStartingWith("--workdir " + dir.resolve("home") + " is the home folder; the demo empties "
                        + "its folder at every run, so it never uses /, the home folder, the current folder, the "
                        + "installation or a git repository");
        assertThatThrownBy(() -> workdir().prepare(home.resolve("..").resolve("project")))
                .hasMessageStartingWith("--workdir " + home + " is the current folder");
        assertThatThrownBy(() -> workdir().prepare(dir)).hasMessageStartingWith("--workdir " + dir
                + " is a folder above the home folder (" + dir.resolve("home") + ")");
        assertThatThrownBy(() -> workdir().prepare(repo.getParent()))
                .hasMessageStartingWith("--workdir " + repo.getParent() + " is a git repository");
        assertThatThrownBy(() -> workdir().prepare(Path.of("/"))).hasMessageStartingWith("--workdir / is the root "
                + "of the file system");
        for (Path p : List.of(home.getParent(), home, repo.getParent())) {
            assertThat(p.resolve("precious.txt")).hasContent("data");
        }
    }

    @Test
    void aFolderTheDemoCreatedIsEmptiedAndReusedAtTheNextRun() throws Exception {
        Path work = dir.resolve("runs/demo");
        assertThat(workdir().prepare(work)).isEqualTo(work);
        assertThat(names(work)).containsExactly("", DemoWorkdir.MARKER);
        Files.createDirectories(work.resolve("warehouse/bronze"));
        Files.writeString(work.resolve("warehouse/bronze/part-0.parquet"), "rows");
        Files.writeString(work.resolve("notes-the-user-left.txt"), "inside the demo's folder: goes with it");

        workdir().prepare(work);
        assertThat(names(work)).containsExactly("", DemoWorkdir.MARKER);

        Path empty = Files.createDirectories(dir.resolve("empty"));
        workdir().prepare(empty);
        assertThat(names(empty)).containsExactly("", DemoWorkdir.MARKER);
    }

    @Test
    void aDefaultFolderFromBeforeTheMarkerIsKnownByItsLayoutButTheSameLayoutElsewhereIsNot() throws Exception {
        for (Path p : List.of(dir.resolve(".shadow/demo"), dir.resolve(".shadow/data"))) {
            Files.createDirectories(p.resolve("warehouse/gold"));
            Files.createDirectories(p.resolve("store"));
            Files.writeString(p.resolve("threat-feed.txt"), "203.0.113.7");
        }

        workdir().prepare(dir.resolve(".shadow/demo"));
        assertThat(names(dir.resolve(".shadow/demo"))).containsExactly("", DemoWorkdir.MARKER);
        assertThatThrownBy(() -> workdir().prepare(dir.resolve(".shadow/data")))
                .hasMessageContaining("holds files the demo did not write (store, threat-feed.txt, warehouse;");
        assertThat(dir.resolve(".shadow/data/threat-feed.txt")).exists();

        Files.writeString(dir.resolve(".shadow/demo/important.txt"), "not the demo's");
        Files.delete(dir.resolve(".shadow/demo").resolve(DemoWorkdir.MARKER));
        assertThatThrownBy(() -> workdir().prepare(dir.resolve(".shadow/demo")))
                .hasMessageContaining("holds files the demo did not write (important.txt;");
    }
}
