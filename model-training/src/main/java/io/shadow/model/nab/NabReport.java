package io.shadow.model.nab;

import java.util.List;
import java.util.Locale;

/** Formats NAB scores for people: one table row per detector and profile, optionally per file. */
public final class NabReport {
    private NabReport() {
    }

    public static String table(List<NabEvaluation.DetectorScore> scores, boolean perFile) {
        return table(scores, perFile, false);
    }

    /**
     * With {@code halves}, also the even- and odd-indexed files scored apart (see
     * {@link NabEvaluation.DetectorScore}).
     */
    public static String table(List<NabEvaluation.DetectorScore> scores, boolean perFile, boolean halves) {
        StringBuilder out = new StringBuilder();
        String head = String.format(Locale.ROOT, "%-12s %-20s %10s %9s %11s %9s %7s %8s%n", "detector", "profile",
                "threshold", "raw", "normalised", "detected", "missed", "fp rows");
        out.append(head).append("-".repeat(head.length() - 1)).append('\n');
        for (NabEvaluation.DetectorScore d : scores) {
            for (NabEvaluation.ProfileScore p : d.profiles()) {
                out.append(String.format(Locale.ROOT, "%-12s %-20s %10s %9.3f %11.1f %9d %7d %8d%n", d.detector(),
                        p.profile(), threshold(p.threshold()), p.raw(), p.normalised(), p.detectedWindows(),
                        p.missedWindows(), p.falsePositives()));
            }
        }
        for (NabEvaluation.DetectorScore d : scores) {
            out.append(String.format(Locale.ROOT, "%n%s: %d files, %d windows; normalised", d.detector(), d.files(),
                    d.windows()));
            for (NabEvaluation.ProfileScore p : d.profiles()) {
                out.append(String.format(Locale.ROOT, " %s %.1f", p.profile(), p.normalised()));
            }
            out.append('\n');
            if (d.leftOut() > 0) {
                out.append(String.format(Locale.ROOT, "  only the files run: %d more in the windows file left out"
                        + " (not comparable with scores over the whole corpus)%n", d.leftOut()));
            }
            if (halves) {
                for (NabEvaluation.HalfScore h : d.halves()) {
                    out.append(String.format(Locale.ROOT, "  %s files (%d, %d windows), own threshold %s: %s %.1f%n",
                            h.half(), h.files(), h.windows(), threshold(h.threshold()), h.profile(), h.normalised()));
                }
            }
            if (perFile && !d.profiles().isEmpty()) {
                NabEvaluation.ProfileScore first = d.profiles().get(0);
                out.append(String.format(Locale.ROOT, "  per file under %s (threshold %s):%n", first.profile(),
                        threshold(first.threshold())));
                for (NabScorer.FileScore f : first.files()) {
                    out.append(String.format(Locale.ROOT, "  %-62s %7.3f  detected %d missed %d fp %d%n", f.key(),
                            f.score(), f.detectedWindows(), f.missedWindows(), f.falsePositives()));
                }
            }
        }
        return out.toString();
    }

    private static String threshold(double t) {
        return Double.isInfinite(t) ? "none" : String.format(Locale.ROOT, "%.4f", t);
    }
}
