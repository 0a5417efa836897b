package io.shadow.model.intel;

import io.shadow.model.intel.feed.BlocklistParser;
import io.shadow.model.intel.feed.CsvFeedParser;
import io.shadow.model.intel.stix.StixBundleParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads feed files, telling the format from the content: a JSON document is a STIX 2.1 bundle, a
 * file whose comment header or first line names CSV columns is an abuse.ch-style CSV, anything
 * else a plain list (IPs, CIDR ranges, URLs or domains, one a line). Each feed's source name is
 * its file name.
 */
public final class ThreatFeeds {
    /** Confidence given to entries of a plain or CSV list, which carries none of its own. */
    public static final double BLOCKLIST_CONFIDENCE = 0.9;

    private ThreatFeeds() {
    }

    /** All files in one index; unreadable files fail naming the file and the config key. */
    public static ThreatIntel load(List<Path> files) {
        ThreatIntel.Builder b = ThreatIntel.builder();
        for (Path f : files) {
            b.addAll(read(f));
        }
        return b.build();
    }

    /** With {@link NetworkScope#DEFAULT}. */
    public static FeedBatch read(Path f) {
        return read(f, NetworkScope.DEFAULT);
    }

    /**
     * One file's indicators; network entries out of {@code scope} (too broad, private or reserved space)
     * are not among them but in {@link FeedBatch#refused}, which the file is not refused for.
     */
    public static FeedBatch read(Path f, NetworkScope scope) {
        String source = f.getFileName().toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UncheckedIOException("threat feed " + f + " does not exist (a download that failed and "
                    + "removed it?); fix the download or remove it from intel.feeds", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read threat feed " + f + " (" + e.getMessage()
                    + "); fix the file or remove it from intel.feeds", e);
        }
        String first = lines.stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        FeedBatch batch;
        try {
            if (first.startsWith("{") || first.startsWith("[")) {
                batch = StixBundleParser.parse(f, scope);
            } else if (looksLikeCsv(lines, source)) {
                batch = CsvFeedParser.parse(lines, source, BLOCKLIST_CONFIDENCE, scope);
            } else {
                batch = BlocklistParser.parse(lines, source, BLOCKLIST_CONFIDENCE, scope);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("threat feed " + f + ": " + e.getMessage() + "; fix the file or "
                    + "remove it from intel.feeds", e);
        }
        boolean list = !(first.startsWith("{") || first.startsWith("["));
        // a list is a full snapshot: read as empty (a failed download) it would withdraw everything it
        // listed before, so it is refused instead; a mostly unusable one is kept, and the sync does not
        // let it withdraw anything (see mostlyUnusable). One that lists only refused ranges was read
        // fine: it lists nothing usable now, so what it listed before is withdrawn.
        if (list && batch.indicators().isEmpty() && batch.skipped().isEmpty() && batch.refused().isEmpty()) {
            throw new IllegalArgumentException("threat feed " + f + " lists no indicator (empty, or comments only: "
                    + "a failed download?); fix the file or remove it from intel.feeds");
        }
        if (batch.indicators().isEmpty() && !batch.skipped().isEmpty() && batch.refused().isEmpty()) {
            throw new IllegalArgumentException("threat feed " + f + " has no usable entry; first problem: "
                    + batch.skipped().get(0) + ". Supported: STIX 2.1 JSON, abuse.ch CSV, or one IP/CIDR/URL/domain "
                    + "a line");
        }
        return batch;
    }

    /**
     * Whether more of a feed's entries are unusable than usable: a changed format or a broken download
     * rather than a few bad lines. Its usable entries still count, but as a snapshot it is not to be
     * trusted to say what was delisted.
     */
    public static boolean mostlyUnusable(FeedBatch batch) {
        return batch.skipped().size() > batch.indicators().size();
    }

    private static boolean looksLikeCsv(List<String> lines, String source) {
        if (source.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return true;
        }
        for (String l : lines) {
            String s = l.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                return s.startsWith("\"") && s.contains("\",\"");
            }
        }
        return false;
    }
}
