package io.shadow.cli.backtest;

import java.util.List;
import java.util.Locale;

/** Renders a {@link BacktestReport} as the tables {@code bin/shadow backtest} prints. */
final class BacktestTable {
    private static final String ROW = "%-34s %-7s %-8s %-16s %5s %8s  %-28s %s%n";

    private BacktestTable() {
    }

    static String render(BacktestReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("backtest %s .. %s: %d events replayed, %d anomalies; model %s, baselines v%d%n",
                r.from(), r.to(), r.events(), r.anomalies(), r.model(), r.baselinesVersion()));
        sb.append("ground truth: ").append(r.groundTruth()).append('\n');
        for (BacktestReport.ProfileOutcome p : r.profiles()) {
            sb.append('\n').append(String.format(Locale.ROOT,
                    "== %s: %s (v%d; thresholds low %.0f / medium %.0f / high %.0f)%n", p.label(), p.source(),
                    p.version(), p.low(), p.medium(), p.high()));
            sb.append(String.format(ROW, "case", "caught", "expected", "bands", "risk", "to-act", "top profile",
                    "actions"));
            sb.append("-".repeat(126)).append('\n');
            for (BacktestReport.CaseResult c : p.cases()) {
                sb.append(String.format(Locale.ROOT, ROW, trim(c.name(), 34), c.caught() ? "yes" : "NO",
                        c.expectedBand() == null ? "any" : c.expectedBand(),
                        c.bands() + (c.caught() && !c.bandAsExpected() ? " (!)" : ""),
                        c.caught() ? String.format(Locale.ROOT, "%.0f", c.maxRisk()) : "-",
                        c.caught() ? c.secondsToMitigate() + " s" : "-",
                        c.caught() ? c.topProfile() + (c.emergency() ? "*" : "") : "-",
                        c.caught() ? c.actions() : "-"));
            }
            sb.append(String.format("caught %d of %d; %d mitigations in all; false mitigations: %d%s%n", p.caught(),
                    p.caught() + p.missed(), p.mitigations(), p.falseCount(),
                    p.unreviewedCount() > 0 ? "; unreviewed (no label, no user decision): " + p.unreviewedCount()
                            : ""));
            p.falseByEntity().forEach((entity, n) -> sb.append(String.format("  false on %-30s %d%n", entity, n)));
            for (BacktestReport.Flagged u : p.unreviewed()) {
                sb.append(String.format(Locale.ROOT, "  unreviewed: %s at %s, %s risk %.0f (%s)%n", u.entity(),
                        u.eventTime(), u.band(), u.risk(), u.profile()));
            }
        }
        for (BacktestReport.Diff d : r.diffs()) {
            sb.append('\n').append(String.format("== %s against %s%n", d.candidate(), d.current()));
            sb.append(String.format("caught %+d, false mitigations %+d%n", d.caughtDelta(), d.falseDelta()));
            line(sb, "newly caught", d.newlyCaught());
            line(sb, "newly missed", d.newlyMissed());
            line(sb, "bands changed", d.bandsChanged());
            line(sb, "time to act changed", d.timeToActChanged());
            sb.append(String.format("false mitigations added: %d, removed: %d%n", d.falseAdded(), d.falseRemoved()));
            for (BacktestReport.Flagged f : d.falseAddedList()) {
                sb.append(String.format(Locale.ROOT, "  + %s at %s: %s risk %.0f (%s)%n", f.entity(), f.eventTime(),
                        f.band(), f.risk(), f.actions()));
            }
            for (BacktestReport.Flagged f : d.falseRemovedList()) {
                sb.append(String.format(Locale.ROOT, "  - %s at %s: %s risk %.0f (%s)%n", f.entity(), f.eventTime(),
                        f.band(), f.risk(), f.actions()));
            }
        }
        sb.append("(nothing was applied or stored: every profile ran in no-act mode; * emergency path; to-act: "
                + "event-time seconds from the first malicious event to the first mitigation)\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String what, List<String> items) {
        sb.append(what).append(": ").append(items.isEmpty() ? "none" : String.join(", ", items)).append('\n');
    }

    private static String trim(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
