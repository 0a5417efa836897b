package io.shadow.model.nab;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NAB's results layout: {@code <results>/<detector>/<category>/<detector>_<name>.csv} with columns
 * {@code timestamp,value,anomaly_score,label}.
 */
public final class NabResults {
    static final String HEADER = "timestamp,value,anomaly_score,label";

    private NabResults() {
    }

    public static Path fileFor(Path resultsDir, String detector, String category, String name) {
        return resultsDir.resolve(detector).resolve(category).resolve(detector + "_" + name + ".csv");
    }

    static void write(Path file, NabSeries series, double[] scores, int[] labels) {
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write(HEADER);
                out.write('\n');
                for (int i = 0; i < series.size(); i++) {
                    out.write(series.timestamps().get(i));
                    out.write(',');
                    out.write(series.valueTexts().get(i));
                    out.write(',');
                    out.write(Double.toString(scores[i]));
                    out.write(',');
                    out.write(labels[i] == 1 ? '1' : '0');
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new NabException("cannot write results file " + file + ": " + e.getMessage()
                    + "; check that --out is writable", e);
        }
    }

    /** A results file's timestamps and anomaly scores (found by column name). */
    public record Scores(List<LocalDateTime> times, double[] scores) {
    }

    static Scores read(Path file) {
        List<LocalDateTime> times = new ArrayList<>();
        double[] scores = new double[1024];
        int n = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            List<String> cols = header == null ? List.of() : Arrays.asList(header.trim().split(","));
            int ts = cols.indexOf("timestamp");
            int sc = cols.indexOf("anomaly_score");
            if (ts < 0 || sc < 0) {
                throw new NabException("results file " + file + ": header must name 'timestamp' and 'anomaly_score'"
                        + " columns, found '" + header + "'");
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                LocalDateTime t = cells.length > Math.max(ts, sc) ? NabTime.parseOrNull(cells[ts]) : null;
                double s = t == null ? Double.NaN : parse(cells[sc]);
                if (t == null || Double.isNaN(s)) {
                    throw new NabException("results file " + file + " line " + lineNo + ": expected a timestamp and a"
                            + " numeric anomaly_score, found '" + line + "'");
                }
                if (n == scores.length) {
                    scores = Arrays.copyOf(scores, n * 2);
                }
                times.add(t);
                scores[n++] = s;
            }
        } catch (IOException e) {
            throw new NabException("cannot read results file " + file + ": " + e.getMessage(), e);
        }
        return new Scores(times, Arrays.copyOf(scores, n));
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
