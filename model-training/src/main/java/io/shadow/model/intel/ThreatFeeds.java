package io.shadow.model.intel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads plain blocklist feeds (one IP or CIDR per line) from files into one index. */
public final class ThreatFeeds {
    /** Confidence given to entries of a plain blocklist, which carries none of its own. */
    public static final double BLOCKLIST_CONFIDENCE = 0.9;

    private ThreatFeeds() {
    }

    public static ThreatIntel load(List<Path> files) {
        ThreatIntel.Builder b = ThreatIntel.builder();
        for (Path f : files) {
            try {
                b.addAll(ThreatIntel.fromBlocklist(Files.readAllLines(f), f.getFileName().toString(),
                        BLOCKLIST_CONFIDENCE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read threat feed " + f + "; fix intel.feeds", e);
            }
        }
        return b.build();
    }
}
