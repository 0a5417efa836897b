package io.shadow.model.nab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Small NAB-layout files for tests: 5-minute rows from 2014-04-01 00:00:00. */
final class NabFixtures {
    static final LocalDateTime START = LocalDateTime.parse("2014-04-01T00:00:00");
    static final DateTimeFormatter NAB = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private NabFixtures() {
    }

    static LocalDateTime time(int row) {
        return START.plusMinutes(5L * row);
    }

    static String stamp(int row) {
        return NAB.format(time(row));
    }

    static List<LocalDateTime> times(int rows) {
        List<LocalDateTime> t = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            t.add(time(i));
        }
        return t;
    }

    /** A window from row a to row b inclusive, in windows.json's timestamp form. */
    static NabWindows.Window window(int a, int b) {
        return new NabWindows.Window(time(a), time(b));
    }

    /** Scores that detect (1.0) exactly at the given rows, 0 elsewhere. */
    static double[] detectionsAt(int rows, int... at) {
        double[] s = new double[rows];
        for (int i : at) {
            s[i] = 1.0;
        }
        return s;
    }

    static void writeData(Path file, double[] values) throws IOException {
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < values.length; i++) {
            sb.append(stamp(i)).append(',').append(values[i]).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb);
    }

    static void writeResults(Path file, double[] scores) throws IOException {
        StringBuilder sb = new StringBuilder("timestamp,value,anomaly_score,label\n");
        for (int i = 0; i < scores.length; i++) {
            sb.append(stamp(i)).append(",1.0,").append(scores[i]).append(",0\n");
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb);
    }

    /** windows.json text: each entry a key and its windows as row pairs. */
    static String windowsJson(Object... keyThenRowPairs) {
        StringBuilder sb = new StringBuilder("{");
        for (int k = 0; k < keyThenRowPairs.length; k += 2) {
            int[] rows = (int[]) keyThenRowPairs[k + 1];
            sb.append(k == 0 ? "" : ",").append('"').append(keyThenRowPairs[k]).append("\": [");
            for (int w = 0; w < rows.length; w += 2) {
                sb.append(w == 0 ? "" : ",").append("[\"").append(stamp(rows[w])).append(".000000\", \"")
                        .append(stamp(rows[w + 1])).append(".000000\"]");
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }
}
