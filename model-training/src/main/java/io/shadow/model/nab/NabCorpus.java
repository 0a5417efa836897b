package io.shadow.model.nab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder laid out like NAB's {@code data/}: one sub-folder per category, {@code <name>.csv} files
 * in each. Categories are whatever folders are there, so NAB's full corpus works as well as a subset.
 */
public final class NabCorpus {
    private NabCorpus() {
    }

    /** A data file of the corpus under its key {@code <category>/<name>.csv}. */
    public record Entry(String key, String category, String name, Path file) {
    }

    public static List<Entry> list(Path dataDir) {
        if (Files.isRegularFile(dataDir)) {
            throw new NabException("NAB data folder " + dataDir + " is a file; pass --data pointing at the folder"
                    + " that holds the category folders of <category>/<name>.csv files (like NAB's data/)");
        }
        if (!Files.isDirectory(dataDir)) {
            throw new NabException("NAB data folder " + dataDir + " does not exist; pass --data pointing at a folder"
                    + " with <category>/<name>.csv files (like NAB's data/)");
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> categories = Files.list(dataDir)) {
            for (Path category : categories.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(category)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                        String c = category.getFileName().toString();
                        String n = f.getFileName().toString();
                        out.add(new Entry(c + "/" + n, c, n.substring(0, n.length() - 4), f));
                    }
                }
            }
        } catch (IOException e) {
            throw new NabException("cannot list NAB data folder " + dataDir + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new NabException("NAB data folder " + dataDir + " has no <category>/<name>.csv files; pass the"
                    + " folder that holds the category folders (e.g. .../nab/data)");
        }
        out.sort(Comparator.comparing(Entry::key));
        return out;
    }
}
