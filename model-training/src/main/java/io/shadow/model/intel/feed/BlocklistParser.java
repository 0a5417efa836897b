package io.shadow.model.intel.feed;

import io.shadow.model.intel.FeedBatch;
import io.shadow.model.intel.Indicator;
import io.shadow.model.intel.IndicatorType;
import io.shadow.model.intel.NetworkScope;
import io.shadow.model.intel.Observables;
import java.util.List;

/**
 * Plain lists, one entry a line: IPs and CIDR ranges (FireHOL netsets, Spamhaus DROP
 * {@code 1.2.3.0/24 ; SBL123}), and also URLs or domain names. Text after {@code #} or {@code ;}
 * is a comment. A line that is none of these is skipped and reported with its number; an IP or
 * range out of the {@link NetworkScope} (too broad, private or reserved space) is refused, also with
 * its number ({@link FeedBatch#refused}).
 */
public final class BlocklistParser {
    private BlocklistParser() {
    }

    /** With {@link NetworkScope#DEFAULT}. */
    public static FeedBatch parse(List<String> lines, String source, double confidence) {
        return parse(lines, source, confidence, NetworkScope.DEFAULT);
    }

    /** Network entries out of {@code scope} are refused (see {@link FeedBatch#refused}). */
    public static FeedBatch parse(List<String> lines, String source, double confidence, NetworkScope scope) {
        FeedBatch.Builder b = new FeedBatch.Builder(source, scope);
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = stripComment(raw);
            if (line.isEmpty()) {
                continue;
            }
            try {
                IndicatorType t = typeOf(line);
                b.add(Indicator.listed(t, Observables.normalize(t, line), source, confidence), "line " + n);
            } catch (IllegalArgumentException e) {
                b.skip(source + " line " + n + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    private static IndicatorType typeOf(String entry) {
        if (entry.contains("://")) {
            return IndicatorType.URL;
        }
        if (entry.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '/')
                && (entry.indexOf(':') >= 0 || entry.chars().filter(c -> c == '.').count() == 3)) {
            return Observables.networkType(entry);
        }
        if (entry.indexOf(' ') >= 0 || entry.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("'" + entry + "' holds more than one value; expected one IP, "
                    + "CIDR, URL or domain a line");
        }
        return IndicatorType.DOMAIN;
    }

    static String stripComment(String raw) {
        String line = raw.strip();
        int hash = line.indexOf('#');
        int semi = line.indexOf(';');
        int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
        return (cut >= 0 ? line.substring(0, cut) : line).strip();
    }
}
