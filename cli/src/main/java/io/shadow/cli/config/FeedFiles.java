package io.shadow.cli.config;

import io.shadow.features.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of {@code intel.feeds}. Whether one can be read is a matter of the night it is read in,
 * not of the config: a fetch script that failed may have removed it, and the nightly's threat-intel
 * step refuses it (keeping what it listed, see {@code intel.max-held}) while the rest of the night
 * goes on. So loading a config checks only that each entry is a file path; {@code serve}, which reads
 * the feeds only while {@code threat_indicators} does not exist, warns about those it cannot read.
 */
public final class FeedFiles {
    private FeedFiles() {
    }

    /** Refuses an entry that is no file path (blank, a URL, characters no path may hold). */
    static void checkPaths(List<String> feeds) {
        for (String f : feeds) {
            ConfigException.check(f != null && !f.isBlank(), "intel.feeds", "(empty)", "the path of a feed file");
            // a URL is not fetched: a download script keeps the file, Shadow reads it
            ConfigException.check(!f.strip().matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*"), "intel.feeds", f,
                    "the path of a feed file, not a URL: download the feed to a file (e.g. a cron job with curl) "
                            + "and list the file");
            try {
                Path.of(f);
            } catch (InvalidPathException e) {
                throw ConfigException.invalid("intel.feeds", f, "the path of a feed file (" + e.getReason() + ")");
            }
        }
    }

    /**
     * One line per feed file {@code serve} cannot read, saying what that means for it: nothing while
     * the table exists, the feed left out of the fallback while it does not.
     *
     * @param tableExists whether {@code threat_indicators} exists (the scorer then reads no feed file);
     *     asked only when a feed cannot be read
     */
    public static List<String> unreadable(List<String> feeds, java.util.function.BooleanSupplier tableExists) {
        List<String> out = new ArrayList<>();
        for (String f : feeds) {
            Path p = Path.of(f);
            if (Files.isRegularFile(p) && Files.isReadable(p)) {
                continue;
            }
            String why = !Files.exists(p) ? "does not exist" : Files.isDirectory(p) ? "is a directory"
                    : "cannot be read";
            out.add("intel.feeds lists " + p + ", which " + why + ": " + (tableExists.getAsBoolean()
                    ? "the scorer reads silver/threat_indicators, not the feed files, so nothing changes now; "
                    : "the scorer reads the feed files only until the nightly writes silver/threat_indicators, "
                            + "and leaves this one out; ")
                    + "the nightly's threat-intel step refuses it and keeps what it listed as last synced for "
                    + "intel.max-held. Fix the download or remove the file from intel.feeds");
        }
        return out;
    }
}
