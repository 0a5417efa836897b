package io.shadow.model.nab;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One NAB data file: {@code timestamp,value} rows in file order (NAB's real series step back an hour
 * at daylight-saving changes; rows are taken as they come, as NAB does).
 *
 * @param key the corpus key, {@code <category>/<name>.csv} (as in windows.json)
 * @param timestamps the timestamps as written in the file (copied verbatim into results)
 * @param times the parsed timestamps
 * @param values the values as written (copied verbatim) and parsed
 */
public record NabSeries(String key, List<String> timestamps, List<LocalDateTime> times, List<String> valueTexts,
        double[] values) {

    public int size() {
        return values.length;
    }

    /** Reads a data file; every malformed line is reported with its number and the expected form. */
    public static NabSeries read(String key, Path file) {
        List<String> stamps = new ArrayList<>();
        List<LocalDateTime> times = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        NabCsv.read(file, "NAB data file", header -> {
            if (header.size() < 2 || !header.get(0).equalsIgnoreCase("timestamp")
                    || !header.get(1).equalsIgnoreCase("value")) {
                throw new NabException(file + ": first line must be the header 'timestamp,value', found '"
                        + String.join(",", header) + "'");
            }
        }, (cells, line, lineNo) -> {
            LocalDateTime t = cells.length >= 2 ? NabTime.parseOrNull(cells[0]) : null;
            double v = cells.length >= 2 ? NabCsv.number(cells[1]) : Double.NaN;
            if (t == null || Double.isNaN(v)) {
                throw new NabException(file + " line " + lineNo + ": expected 'YYYY-MM-DD HH:MM:SS,number' (a finite"
                        + " number), found '" + line + "'");
            }
            stamps.add(cells[0].trim());
            times.add(t);
            texts.add(cells[1].trim());
            values.add(v);
        });
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return new NabSeries(key, List.copyOf(stamps), List.copyOf(times), List.copyOf(texts), v);
    }
}
