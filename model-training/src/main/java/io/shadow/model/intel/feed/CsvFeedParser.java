package io.shadow.model.intel.feed;

import io.shadow.model.intel.FeedBatch;
import io.shadow.model.intel.Indicator;
import io.shadow.model.intel.IndicatorType;
import io.shadow.model.intel.NetworkScope;
import io.shadow.model.intel.Observables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * abuse.ch-style CSV exports: {@code #} comment lines, the last of which names the columns
 * (Feodo Tracker {@code first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware}; URLhaus
 * {@code id,dateadded,url,url_status,...}; ThreatFox {@code ioc_value,ioc_type,...}), then quoted
 * rows. The indicator column is the first known one present: {@code dst_ip}, {@code ip_address},
 * {@code ip}, {@code url}, {@code domain}, {@code sha256_hash}, {@code md5_hash}, {@code ioc_value}.
 */
public final class CsvFeedParser {
    private static final List<String> VALUE_COLUMNS = List.of("dst_ip", "ip_address", "ip", "url", "domain",
            "sha256_hash", "md5_hash", "sha1_hash", "ioc_value", "ioc");
    private static final Map<String, IndicatorType> TYPE_OF_COLUMN = Map.of("url", IndicatorType.URL,
            "domain", IndicatorType.DOMAIN, "sha256_hash", IndicatorType.SHA256, "md5_hash", IndicatorType.MD5,
            "sha1_hash", IndicatorType.SHA1);

    private static final Pattern IP_PORT = Pattern.compile("^(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d+$");

    private CsvFeedParser() {
    }

    /** With {@link NetworkScope#DEFAULT}. */
    public static FeedBatch parse(List<String> lines, String source, double confidence) {
        return parse(lines, source, confidence, NetworkScope.DEFAULT);
    }

    /** Network values out of {@code scope} are refused (see {@link FeedBatch#refused}). */
    public static FeedBatch parse(List<String> lines, String source, double confidence, NetworkScope scope) {
        FeedBatch.Builder b = new FeedBatch.Builder(source, scope);
        List<String> header = null;
        int valueColumn = -1;
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                List<String> cols = split(line.replaceFirst("^#+", "").strip());
                int c = valueColumn(cols);
                if (c >= 0) {
                    header = cols;
                    valueColumn = c;
                }
                continue;
            }
            List<String> fields = split(line);
            if (header == null) {
                int c = valueColumn(fields);
                if (c >= 0) { // an uncommented header line
                    header = fields;
                    valueColumn = c;
                    continue;
                }
                throw new IllegalArgumentException("CSV feed " + source + " line " + n + ": no header naming one of "
                        + VALUE_COLUMNS + " before the first row; is this a CSV feed?");
            }
            if (valueColumn >= fields.size()) {
                b.skip(source + " line " + n + ": " + fields.size() + " fields, expected at least " + (valueColumn + 1));
                continue;
            }
            String value = IP_PORT.matcher(fields.get(valueColumn).strip()).replaceFirst("$1"); // ThreatFox ip:port
            try {
                IndicatorType t = typeOf(header.get(valueColumn), value);
                b.add(Indicator.listed(t, Observables.normalize(t, value), source, confidence), "line " + n);
            } catch (IllegalArgumentException e) {
                b.skip(source + " line " + n + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    private static int valueColumn(List<String> cols) {
        for (String want : VALUE_COLUMNS) {
            for (int i = 0; i < cols.size(); i++) {
                if (cols.get(i).strip().toLowerCase(Locale.ROOT).equals(want)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static IndicatorType typeOf(String column, String value) {
        IndicatorType t = TYPE_OF_COLUMN.get(column.strip().toLowerCase(Locale.ROOT));
        if (t != null) {
            return t;
        }
        IndicatorType guessed = Observables.guess(value);
        if (guessed == null) {
            throw new IllegalArgumentException("'" + value + "' is neither an IP, URL, domain nor hash");
        }
        return guessed;
    }

    /** One CSV record (RFC 4180 quoting, no line breaks inside fields). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
