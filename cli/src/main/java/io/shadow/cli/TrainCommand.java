package io.shadow.cli;

import io.shadow.cli.backtest.Window;
import io.shadow.cli.config.ResolvedPaths;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.JsonReports;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.model.promotion.ChampionChallenger;
import io.shadow.model.promotion.ChampionPromotion;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import io.shadow.model.risk.TrainingSetReader;
import io.shadow.spark.training.TrainAndPromote;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shadow train}: a challenger risk model from the gold training set, compared with the champion. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a challenger risk model on the gold training set (optionally one window of it), log it "
                + "as a run in the model registry, register it, score the same hold-out with the champion, and "
                + "promote it according to --promote.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    InstallationOptions installation = new InstallationOptions();

    @Option(names = "--from", description = "Only examples from this UTC date or instant on (default: all).")
    String from;

    @Option(names = "--to", description = "Only examples up to this UTC date (inclusive) or instant (exclusive) "
            + "(default: all).")
    String to;

    @Spec
    CommandSpec spec;

    ChampionPromotion.Policy policy;

    @Option(names = "--promote", defaultValue = "if-better",
            description = "if-better (the nightly rule), never (register only; promote later with `bin/shadow "
                    + "models promote`) or always (default: ${DEFAULT-VALUE}).")
    void promote(String value) {
        try {
            policy = ChampionPromotion.Policy.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw OptionValues.invalid(spec, "--promote", value, "if-better, never or always");
        }
    }

    @Option(names = "--out", description = "Also write the result, with every hold-out example scored by both "
            + "models (for PR curves), as JSON to this file.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Instant f = from == null ? null : Window.bound("--from", from, false);
        Instant t = to == null ? null : Window.bound("--to", to, true);
        if (f != null && t != null) {
            Window.parse(from, to); // refuses a window that ends before it starts, quoting both
        }
        if (out != null) {
            FileArguments.output("--out", out, "train.json");
        }
        ShadowConfig cfg = installation.load();
        ResolvedPaths paths = ResolvedPaths.of(cfg);
        KernelTableReader kernel = new KernelTableReader();
        List<TrainingExample> examples = TrainingSetReader.read(kernel, paths.catalog(), f, t);
        if (examples.isEmpty()) {
            throw noExamples(f == null && t == null ? examples : TrainingSetReader.read(kernel, paths.catalog(), null,
                    null), paths.catalog().path(ShadowTable.TRAINING_SET));
        }
        paths.prepareDataDir(); // the registry is written after the training: check before it
        Map<String, String> params = new LinkedHashMap<>();
        params.put("window_from", f == null ? "all" : f.toString());
        params.put("window_to", t == null ? "all" : t.toString());
        params.put("trigger", "bin/shadow train");
        stdout.printf("training a challenger on %d examples (%d of them in confirmed incidents) from %s%n",
                examples.size(),
                examples.stream().filter(TrainingExample::incident).count(), paths.catalog().root());
        stdout.flush();
        ChampionChallenger.Result r = new ChampionChallenger(paths.openRegistry(), RiskModelTrainer.Settings.defaults(),
                TrainAndPromote.MODEL_NAME, TrainAndPromote.EXPERIMENT).run(examples, params, policy);
        ChampionPromotion.Decision d = r.decision();
        stdout.printf(Locale.ROOT, "registered %s:%d (run %s): hold-out %s%n", TrainAndPromote.MODEL_NAME,
                d.version(), r.runId(), d.challenger().summary());
        stdout.println(d.reason());
        if (out != null) {
            JsonReports.write(r, out);
            stdout.println("result written to " + out);
        }
        stdout.flush();
        return 0;
    }

    /** No example in the window: what the training set does hold, so the user can pick a window inside it. */
    private IllegalArgumentException noExamples(List<TrainingExample> all, String table) {
        if (all.isEmpty()) {
            return new IllegalArgumentException("the training set at " + table + " has no examples yet; "
                    + "`bin/shadow nightly` builds it from the stored events");
        }
        String window = from != null && to != null ? "between --from " + from + " and --to " + to
                : from != null ? "from --from " + from + " on" : "up to --to " + to;
        return new IllegalArgumentException("no training examples " + window + " in " + table + "; it holds "
                + all.size() + " examples from " + all.get(0).time() + " to " + all.get(all.size() - 1).time()
                + ": choose --from/--to inside that span, or leave them out to train on all");
    }
}
