package io.shadow.model.nab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a detector over every file of a NAB-layout corpus, one fresh detector per file, and writes
 * NAB's results layout. Labels (for scoring only: the detector never sees them) come from the
 * windows file found beside the data folder ({@link #windowsBeside}), else 0.
 */
public final class NabRunner {
    private NabRunner() {
    }

    /**
     * Where the windows of a data folder are looked for, in order: {@code windows.json} beside it (the
     * shared subset's layout), then {@code labels/combined_windows.json} beside it (a clone of the
     * numenta/NAB repository).
     */
    public static final List<String> WINDOWS_BESIDE_DATA = List.of("windows.json", "labels/combined_windows.json");

    /**
     * What one run wrote; {@code windows} is the file the labels came from, null when none was found;
     * {@code replaced} how many results files of an earlier run of the same detector were removed first.
     */
    public record Run(String detector, int files, long rows, double seconds, Path resultsDir, Path windows,
            int replaced) {
        public boolean labelled() {
            return windows != null;
        }
    }

    public static Run run(Path dataDir, Path resultsDir, String detectorName) {
        Supplier<SeriesDetector> factory = SeriesDetector.named(detectorName);
        List<NabCorpus.Entry> entries = NabCorpus.list(dataDir);
        Path windowsFile = windowsBeside(dataDir);
        NabWindows windows = windowsFile == null ? null : NabWindows.read(windowsFile);
        // results of an earlier run on other data would otherwise be scored with these
        int replaced = NabResults.removeEarlier(resultsDir, detectorName);
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
                windowsFile, replaced);
    }

    /** The first of {@link #WINDOWS_BESIDE_DATA} that exists beside {@code dataDir}, else null. */
    public static Path windowsBeside(Path dataDir) {
        Path parent = dataDir.toAbsolutePath().normalize().getParent();
        if (parent == null) {
            return null;
        }
        return WINDOWS_BESIDE_DATA.stream().map(parent::resolve).filter(Files::isRegularFile).findFirst()
                .orElse(null);
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
