package io.shadow.model.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

    /**
     * Removes the results files an earlier run of {@code detector} left in {@code resultsDir} (only
     * {@code <detector>/<category>/<detector>_*.csv}; anything else is left alone); returns how many.
     */
    static int removeEarlier(Path resultsDir, String detector) {
        Path dir = resultsDir.resolve(detector);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> categories = Files.list(dir)) {
            for (Path category : categories.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(category)) {
                    for (Path f : files.filter(p -> isResultsFile(p, detector)).toList()) {
                        Files.delete(f);
                        removed++;
                    }
                }
            }
        } catch (IOException e) {
            throw new NabException("cannot clear the earlier results in " + dir + ": " + e.getMessage()
                    + "; remove them or pass another --out", e);
        }
        return removed;
    }

    private static boolean isResultsFile(Path p, String detector) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && n.startsWith(detector + "_") && n.endsWith(".csv");
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
        List<Double> scores = new ArrayList<>();
        int[] columns = new int[2];
        NabCsv.read(file, "results file", header -> {
            columns[0] = header.indexOf("timestamp");
            columns[1] = header.indexOf("anomaly_score");
            if (columns[0] < 0 || columns[1] < 0) {
                throw new NabException("results file " + file + ": header must name 'timestamp' and 'anomaly_score'"
                        + " columns, found '" + String.join(",", header) + "'");
            }
        }, (cells, line, lineNo) -> {
            boolean wide = cells.length > Math.max(columns[0], columns[1]);
            LocalDateTime t = wide ? NabTime.parseOrNull(cells[columns[0]]) : null;
            double s = t == null ? Double.NaN : NabCsv.number(cells[columns[1]]);
            if (t == null || Double.isNaN(s)) {
                throw new NabException("results file " + file + " line " + lineNo + ": expected a timestamp and a"
                        + " numeric anomaly_score, found '" + line + "'");
            }
            times.add(t);
            scores.add(s);
        });
        return new Scores(times, scores.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
