package io.shadow.model.nab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Scores a results folder by NAB's rules: for each detector folder in it and each profile, the
 * threshold that maximises the raw score over all files, that raw score, and its normalised value.
 */
public final class NabEvaluation {
    private NabEvaluation() {
    }

    /** One detector under one profile. */
    public record ProfileScore(String profile, double threshold, double raw, double normalised, int detectedWindows,
            int missedWindows, int falsePositives, List<NabScorer.FileScore> files) {
    }

    /**
     * @param halves the even- and odd-indexed files (in {@code category/name} order) scored apart under
     *     the first profile, each half with the threshold optimised on it alone: a change that helps
     *     only the files it was tuned on shows as the halves moving apart
     * @param leftOut files the windows file lists that had no results and were left out ({@code onlyRun})
     */
    public record DetectorScore(String detector, int files, int windows, List<ProfileScore> profiles,
            List<HalfScore> halves, int leftOut) {
    }

    /** One half of the files under one profile, with its own optimised threshold. */
    public record HalfScore(String half, String profile, int files, int windows, double threshold, double normalised) {
    }

    public static List<DetectorScore> score(Path resultsDir, NabWindows windows, List<CostProfile> profiles) {
        return score(resultsDir, windows, profiles, false);
    }

    /**
     * @param onlyRun score only the files that have results, leaving out the others the windows file
     *     lists (a subset of a corpus; its figures are not comparable with the whole corpus's); without
     *     it a listed file without results is an error
     */
    public static List<DetectorScore> score(Path resultsDir, NabWindows windows, List<CostProfile> profiles,
            boolean onlyRun) {
        Map<String, Map<String, Path>> detectors = findDetectors(resultsDir);
        List<DetectorScore> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Path>> d : detectors.entrySet()) {
            out.add(scoreDetector(d.getKey(), d.getValue(), windows, profiles, onlyRun));
        }
        return out;
    }

    static DetectorScore scoreDetector(String detector, Map<String, Path> files, NabWindows windows,
            List<CostProfile> profiles, boolean onlyRun) {
        TreeSet<String> unknown = new TreeSet<>(files.keySet());
        unknown.removeAll(windows.all().keySet());
        TreeSet<String> missing = new TreeSet<>(windows.all().keySet());
        missing.removeAll(files.keySet());
        if (!unknown.isEmpty()) {
            throw new NabException("detector " + detector + ": results for " + unknown + " have no entry in the"
                    + " windows file; pass the windows.json of the data that was run (a file without anomalies is"
                    + " listed with [])");
        }
        if (!missing.isEmpty() && !onlyRun) {
            throw new NabException("detector " + detector + ": no results for " + missing + " listed in the windows"
                    + " file; run bin/shadow nab on the whole data folder that windows file describes, or score"
                    + " only the files that were run with nab-score --only-run");
        }
        List<ScoredFile> scored = new ArrayList<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            NabResults.Scores s = NabResults.read(f.getValue());
            scored.add(new ScoredFile(f.getKey(), s.times(), s.scores(), windows.of(f.getKey())));
        }
        int windowCount = scored.stream().mapToInt(ScoredFile::windowCount).sum();
        int scorable = scored.stream().mapToInt(ScoredFile::scorableWindowCount).sum();
        List<ProfileScore> ps = new ArrayList<>();
        for (CostProfile p : profiles) {
            ThresholdSweep.Best best = ThresholdSweep.optimise(scored, p);
            List<NabScorer.FileScore> perFile = NabScorer.scoreAll(scored, best.threshold(), p);
            double raw = perFile.stream().mapToDouble(NabScorer.FileScore::score).sum();
            ps.add(new ProfileScore(p.name(), best.threshold(), raw,
                    NabScorer.normalised(raw, windowCount, scorable, p),
                    perFile.stream().mapToInt(NabScorer.FileScore::detectedWindows).sum(),
                    perFile.stream().mapToInt(NabScorer.FileScore::missedWindows).sum(),
                    perFile.stream().mapToInt(NabScorer.FileScore::falsePositives).sum(), perFile));
        }
        List<HalfScore> halves = new ArrayList<>();
        if (!profiles.isEmpty()) {
            for (int h = 0; h < 2; h++) {
                List<ScoredFile> half = new ArrayList<>();
                for (int i = h; i < scored.size(); i += 2) {
                    half.add(scored.get(i));
                }
                CostProfile p = profiles.get(0);
                ThresholdSweep.Best best = ThresholdSweep.optimise(half, p);
                int w = half.stream().mapToInt(ScoredFile::windowCount).sum();
                int ws = half.stream().mapToInt(ScoredFile::scorableWindowCount).sum();
                halves.add(new HalfScore(h == 0 ? "even" : "odd", p.name(), half.size(), w, best.threshold(),
                        NabScorer.normalised(best.raw(), w, ws, p)));
            }
        }
        return new DetectorScore(detector, scored.size(), windowCount, ps, halves, missing.size());
    }

    /** Detector name → corpus key → results file. */
    static Map<String, Map<String, Path>> findDetectors(Path resultsDir) {
        if (!Files.isDirectory(resultsDir)) {
            throw new NabException("results folder " + resultsDir + " does not exist; pass the --out folder of"
                    + " bin/shadow nab");
        }
        Map<String, Map<String, Path>> out = new TreeMap<>();
        for (Path d : subfolders(resultsDir)) {
            Map<String, Path> files = resultsOf(d);
            if (!files.isEmpty()) {
                out.put(d.getFileName().toString(), files);
            }
        }
        if (out.isEmpty()) {
            Map<String, Path> self = resultsOf(resultsDir);
            if (!self.isEmpty()) {
                out.put(resultsDir.getFileName().toString(), self);
            }
        }
        if (out.isEmpty()) {
            throw new NabException("results folder " + resultsDir + " holds no <detector>/<category>/<detector>_"
                    + "<name>.csv files; pass the --out folder of bin/shadow nab");
        }
        return out;
    }

    private static Map<String, Path> resultsOf(Path detectorDir) {
        String prefix = detectorDir.getFileName().toString() + "_";
        Map<String, Path> files = new TreeMap<>();
        for (Path category : subfolders(detectorDir)) {
            try (Stream<Path> s = Files.list(category)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String n = f.getFileName().toString();
                    if (n.startsWith(prefix) && n.endsWith(".csv")) {
                        files.put(category.getFileName() + "/" + n.substring(prefix.length()), f);
                    }
                }
            } catch (IOException e) {
                throw new NabException("cannot list results folder " + category + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    private static List<Path> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new NabException("cannot list folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
