package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bin/shadow nab} then {@code bin/shadow nab-score} on a small NAB-layout corpus, through the real CLI. */
class NabCommandsIT {
    private static final DateTimeFormatter NAB = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final LocalDateTime START = LocalDateTime.parse("2014-04-01T00:00:00");

    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome shadow(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new Main()).setErr(new PrintWriter(err, true))
                    .setExecutionExceptionHandler((e, cmd, parsed) -> {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 2;
                    });
            int code = cli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    /** 2000 five-minute rows of a daily cycle with noise; one file with a spike, one with a level shift, one clean. */
    private Path corpus() throws IOException {
        Path data = dir.resolve("nab/data");
        write(data.resolve("synthetic/spike.csv"), 11, 1500, 0, 60);
        write(data.resolve("synthetic/shift.csv"), 12, 0, 1200, 40);
        write(data.resolve("synthetic/clean.csv"), 13, 0, 0, 0);
        Files.createDirectories(data.resolve("emptyCategory"));
        Files.writeString(dir.resolve("nab/windows.json"), "{"
                + "\"synthetic/spike.csv\": [[\"" + stamp(1450) + ".000000\", \"" + stamp(1550) + ".000000\"]],"
                + "\"synthetic/shift.csv\": [[\"" + stamp(1150) + ".000000\", \"" + stamp(1250) + ".000000\"]],"
                + "\"synthetic/clean.csv\": []}");
        return data;
    }

    private static String stamp(int row) {
        return NAB.format(START.plusMinutes(5L * row));
    }

    private static void write(Path file, long seed, int spikeAt, int shiftAt, double size) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 2000; i++) {
            double v = 50 + 15 * Math.sin(2 * Math.PI * i / 288) + r.nextGaussian();
            v += i == spikeAt ? size : 0;
            v += shiftAt > 0 && i >= shiftAt ? size : 0;
            sb.append(stamp(i)).append(',').append(String.format(java.util.Locale.ROOT, "%.3f", v)).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb);
    }

    private static double normalised(String table, String detector, String profile) {
        Matcher m = Pattern.compile("(?m)^" + detector + "\\s+" + profile + "\\s+\\S+\\s+\\S+\\s+(\\S+)")
                .matcher(table);
        assertThat(m.find()).as("row %s %s in%n%s", detector, profile, table).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void runsTheDetectorAndScoresItByNabsRules() throws IOException {
        Path data = corpus();
        Path out = dir.resolve("results");

        Outcome run = shadow("nab", "--data", data.toString(), "--out", out.toString());
        Outcome none = shadow("nab", "--data", data.toString(), "--out", out.toString(), "--detector", "null");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(none.code()).as(none.err()).isZero();
        assertThat(run.out()).contains("shadow: 3 files, 6,000 rows")
                .contains("labels from " + dir.resolve("nab/windows.json"));
        assertThat(out.resolve("shadow/synthetic/shadow_spike.csv")).exists();
        assertThat(out.resolve("null/synthetic/null_clean.csv")).exists();

        Outcome score = shadow("nab-score", "--results", out.toString(), "--windows",
                dir.resolve("nab/windows.json").toString());
        assertThat(score.code()).as(score.err()).isZero();
        for (String profile : new String[] {"standard", "reward_low_FP_rate", "reward_low_FN_rate"}) {
            assertThat(normalised(score.out(), "null", profile)).isEqualTo(0.0);
            // both anomalies found at once (the spike and the shift are far outside anything seen)
            assertThat(normalised(score.out(), "shadow", profile)).isGreaterThan(80.0);
        }
        // three files: the even half holds two (the first and the third by name), the odd half one
        Outcome halves = shadow("nab-score", "--results", out.toString(), "--windows",
                dir.resolve("nab/windows.json").toString(), "--halves");
        assertThat(halves.code()).as(halves.err()).isZero();
        assertThat(halves.out()).containsPattern("  even files \\(2, \\d+ windows\\), own threshold \\S+: standard ")
                .containsPattern("  odd files \\(1, \\d+ windows\\), own threshold \\S+: standard ");
    }

    @Test
    void anEmptyOutputFolderIsAUsageError() throws IOException {
        Outcome o = shadow("nab", "--data", corpus().toString(), "--out", "");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--out is empty; pass the folder to write the results to");
    }

    @Test
    void aMissingFolderIsAUsageErrorThatSaysWhatToPass() {
        Outcome o = shadow("nab", "--data", dir.resolve("missing").toString(), "--out", dir.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("NAB data folder " + dir.resolve("missing") + " does not exist; pass --data");
    }
}
