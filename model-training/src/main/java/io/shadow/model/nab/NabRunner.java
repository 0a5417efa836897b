package io.shadow.model.nab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a detector over every file of a NAB-layout corpus, one fresh detector per file, and writes
 * NAB's results layout. Labels come from {@code windows.json} beside the data folder when it is
 * there (for scoring only: the detector never sees them), else 0.
 */
public final class NabRunner {
    private NabRunner() {
    }

    /** What one run wrote. */
    public record Run(String detector, int files, long rows, double seconds, Path resultsDir, boolean labelled) {
    }

    public static Run run(Path dataDir, Path resultsDir, String detectorName) {
        Supplier<SeriesDetector> factory = SeriesDetector.named(detectorName);
        List<NabCorpus.Entry> entries = NabCorpus.list(dataDir);
        Path windowsFile = dataDir.toAbsolutePath().getParent() == null ? null
                : dataDir.toAbsolutePath().getParent().resolve("windows.json");
        NabWindows windows = windowsFile != null && Files.isRegularFile(windowsFile) ? NabWindows.read(windowsFile)
                : null;
        long rows = 0;
        long t0 = System.nanoTime();
        for (NabCorpus.Entry e : entries) {
            NabSeries series = NabSeries.read(e.key(), e.file());
            double[] scores = detect(series, factory.get());
            int[] labels = labels(series, windows == null ? List.of() : windows.of(e.key()));
            NabResults.write(NabResults.fileFor(resultsDir, detectorName, e.category(), e.name()), series, scores,
                    labels);
            rows += series.size();
        }
        return new Run(detectorName, entries.size(), rows, (System.nanoTime() - t0) / 1e9, resultsDir,
                windows != null);
    }

    /** Feeds the series row by row; the score of row t is fixed before row t + 1 is read. */
    public static double[] detect(NabSeries series, SeriesDetector detector) {
        double[] scores = new double[series.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = detector.score(NabTime.epochSecond(series.times().get(i)), series.values()[i]);
        }
        return scores;
    }

    static int[] labels(NabSeries series, List<NabWindows.Window> windows) {
        int[] labels = new int[series.size()];
        for (int i = 0; i < labels.length; i++) {
            for (NabWindows.Window w : windows) {
                if (w.contains(series.times().get(i))) {
                    labels[i] = 1;
                    break;
                }
            }
        }
        return labels;
    }
}
