package io.shadow.cli;

import io.shadow.model.nab.CostProfile;
import io.shadow.model.nab.NabEvaluation;
import io.shadow.model.nab.NabReport;
import io.shadow.model.nab.NabWindows;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadow nab-score}: scores NAB results by NAB's rules and prints normalised scores per profile. */
@Command(name = "nab-score", mixinStandardHelpOptions = true,
        description = "Score the results of bin/shadow nab by NAB's rules (windows, probation, threshold optimised"
                + " per profile over all files) and print normalised scores.")
final class NabScoreCommand implements Callable<Integer> {
    @Option(names = "--results", required = true, description = "The --out folder of bin/shadow nab.")
    Path results;

    @Option(names = "--windows", required = true, description = "NAB's windows.json for the data that was run.")
    Path windows;

    @Option(names = "--profiles", description = "NAB's profiles.json (default: NAB's three profiles).")
    Path profiles;

    @Option(names = "--per-file", description = "Also list each file's score under the first profile.")
    boolean perFile;

    @Option(names = "--halves", description = "Also score the even- and odd-indexed files (by category/name) apart"
            + " under the first profile, each half with its own optimised threshold: a change tuned to some files"
            + " shows as the halves moving apart.")
    boolean halves;

    @Option(names = "--only-run", description = "Score only the files that have results, leaving out the other"
            + " files the windows file lists (a subset of a corpus; not comparable with scores over the whole"
            + " corpus). Without it, a listed file without results is an error.")
    boolean onlyRun;

    @Override
    public Integer call() {
        List<CostProfile> ps = profiles == null ? CostProfile.nabDefaults() : CostProfile.read(profiles);
        System.out.print(NabReport.table(NabEvaluation.score(results, NabWindows.read(windows), ps, onlyRun), perFile,
                halves));
        return 0;
    }
}
