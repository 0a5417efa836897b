package io.shadow.cli;

import io.shadow.model.nab.NabRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadow nab}: runs a streaming detector over a NAB-layout folder and writes NAB's results layout. */
@Command(name = "nab", mixinStandardHelpOptions = true,
        description = "Run a detector on every <category>/<name>.csv under --data and write "
                + "<out>/<detector>/<category>/<detector>_<name>.csv (timestamp,value,anomaly_score,label). "
                + "Labels come from windows.json or labels/combined_windows.json beside --data (a clone of "
                + "numenta/NAB works as it is), else 0; they are for scoring only.")
final class NabCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Folder laid out like NAB's data/ (category folders).")
    Path data;

    @Option(names = "--out", required = true, description = "Results folder (created if missing); results of an "
            + "earlier run of the same detector in it are replaced.")
    Path out;

    @Option(names = "--detector", defaultValue = "shadow",
            description = "Detector name, also the results sub-folder: shadow (default) or null.")
    String detector;

    @Override
    public Integer call() {
        if (out.toString().isBlank()) {
            throw new IllegalArgumentException("--out is empty; pass the folder to write the results to");
        }
        NabRunner.Run run = NabRunner.run(data, out, detector);
        if (run.replaced() > 0) {
            System.out.printf("%s: removed %d results files of an earlier run from %s%n", run.detector(),
                    run.replaced(), out.resolve(run.detector()));
        }
        System.out.printf("%s: %d files, %,d rows in %.1f s (%,.0f rows/s) -> %s; labels %s%n", run.detector(),
                run.files(), run.rows(), run.seconds(), run.rows() / Math.max(run.seconds(), 1e-9),
                out.resolve(run.detector()), run.labelled() ? "from " + run.windows()
                        : "0 (no " + String.join(" or ", NabRunner.WINDOWS_BESIDE_DATA) + " beside the data folder)");
        return 0;
    }
}
