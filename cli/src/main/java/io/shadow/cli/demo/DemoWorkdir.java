package io.shadow.cli.demo;

import io.shadow.features.files.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The folder a demo run writes into. The demo empties it at every run, so it only empties a folder
 * it created itself: one holding the {@value #MARKER} file it writes there, or, from runs before the
 * marker, the default folder holding nothing but the demo's layout. A file, a folder with anything
 * else in it, and {@code /}, the home folder, the current folder, the installation or a git
 * repository (or a folder above one of them) are refused with the path and what to do.
 *
 * @param defaultDir the default {@code --workdir}
 * @param keep folders never used, nor any folder above them
 */
public record DemoWorkdir(Path defaultDir, List<Kept> keep) {
    /** A folder the demo never uses, with what it is for the message ("the home folder"). */
    public record Kept(String what, Path path) {
    }

    /** Written into every folder the demo creates or takes over. */
    public static final String MARKER = ".shadow-demo";
    /** The default {@code --workdir}, relative to the current folder like every default path. */
    public static final String DEFAULT = ".shadow/demo";
    /** What a demo run leaves at the top of its folder. */
    private static final Set<String> LAYOUT = Set.of(MARKER, "agent", "keys", "labels", "registry", "registry-cache",
            "scorer", "shadow.yaml", "store", "threat-feed.txt", "warehouse");

    /** For this process: the home and current folders, and the installation {@code bin/shadow} names. */
    public static DemoWorkdir standard() {
        List<Kept> keep = new ArrayList<>();
        keep.add(new Kept("the home folder", Path.of(System.getProperty("user.home"))));
        keep.add(new Kept("the current folder", Path.of(System.getProperty("user.dir"))));
        String installation = System.getProperty("shadow.home", "");
        if (!installation.isBlank()) {
            keep.add(new Kept("the Shadow installation", Path.of(installation)));
        }
        return new DemoWorkdir(Path.of(DEFAULT), keep);
    }

    /**
     * Creates {@code requested}, or empties it if the demo created it, and marks it as the demo's;
     * returns its absolute path. Refuses anything else before touching it.
     */
    public Path prepare(Path requested) throws IOException {
        Path dir = requested.toAbsolutePath().normalize();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            mark(dir);
            return dir;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--workdir " + dir + " is a file, not a folder; the demo needs a "
                    + "folder of its own: pick a new or empty folder, e.g. --workdir " + DEFAULT);
        }
        Path real = dir.toRealPath();
        String kept = kept(real);
        if (kept != null) {
            throw new IllegalArgumentException("--workdir " + dir + " is " + kept + "; the demo empties its folder "
                    + "at every run, so it never uses /, the home folder, the current folder, the installation or a "
                    + "git repository: pick a new or empty folder, e.g. --workdir " + DEFAULT);
        }
        List<String> entries;
        try (Stream<Path> list = Files.list(real)) {
            entries = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        boolean ours = entries.contains(MARKER)
                || real.equals(real(defaultDir)) && LAYOUT.containsAll(entries);
        if (!entries.isEmpty() && !ours) {
            throw new IllegalArgumentException("--workdir " + dir + " holds files the demo did not write ("
                    + String.join(", ", entries.subList(0, Math.min(5, entries.size())))
                    + (entries.size() > 5 ? ", ..." : "") + "; no " + MARKER + " marker), and the demo empties its "
                    + "folder at every run: pick a new or empty folder, or delete " + dir + " yourself if nothing in "
                    + "it is needed");
        }
        empty(real);
        mark(real);
        return dir;
    }

    /** What a kept folder is, when {@code real} is one or lies above one; null otherwise. */
    private String kept(Path real) throws IOException {
        if (real.getParent() == null) {
            return "the root of the file system";
        }
        if (Files.exists(real.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            return "a git repository";
        }
        for (Kept k : keep) {
            Path r = real(k.path());
            if (r.startsWith(real)) {
                return r.equals(real) ? k.what() : "a folder above " + k.what() + " (" + r + ")";
            }
        }
        return null;
    }

    private static Path real(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        return Files.exists(abs) ? abs.toRealPath() : abs;
    }

    private static void mark(Path dir) throws IOException {
        Files.writeString(dir.resolve(MARKER), "written by bin/shadow demo: this folder is emptied at every demo "
                + "run\n", StandardCharsets.UTF_8);
    }

    /** Deletes what is inside {@code dir} (links themselves, never what they point to). */
    private static void empty(Path dir) throws IOException {
        FileTrees.deleteContents(dir);
    }
}
