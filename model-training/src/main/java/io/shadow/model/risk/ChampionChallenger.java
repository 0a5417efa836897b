package io.shadow.model.risk;

import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Trains a challenger risk model, logs it as a registry run (parameters, hold-out metrics,
 * SavedModel), registers it as the next version, scores the same hold-out with the current
 * champion, and moves the {@code champion} alias according to the policy. The nightly run and
 * {@code bin/shadow train} both go through here.
 */
public final class ChampionChallenger {
    /** When the challenger becomes champion. */
    public enum Policy {
        /** when there is no champion yet, or the challenger's PR-AUC beats the champion's on the same hold-out */
        IF_BETTER,
        /** never: register only, promote later ({@code bin/shadow models promote}) */
        NEVER,
        /** always */
        ALWAYS;

        public static Policy fromWire(String s) {
            try {
                return valueOf(s.trim().replace('-', '_').toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown promotion policy '" + s + "'; use if-better, never or "
                        + "always");
            }
        }
    }

    /** One hold-out example scored by both models; {@code champion} null without a champion. */
    public record HoldoutScore(Instant time, boolean incident, double challenger, Double champion) {
    }

    /** What happened; {@code championId} and {@code championPrAuc} null without a champion. */
    public record Result(int version, String runId, boolean promoted, ModelMetrics metrics, String championId,
            Double championPrAuc, String reason, List<HoldoutScore> holdout) {
    }

    private final ModelRegistry registry;
    private final RiskModelTrainer.Settings settings;
    private final String modelName;
    private final String experiment;

    public ChampionChallenger(ModelRegistry registry, RiskModelTrainer.Settings settings, String modelName,
            String experiment) {
        this.registry = registry;
        this.settings = settings;
        this.modelName = modelName;
        this.experiment = experiment;
    }

    public Result run(List<TrainingExample> examples, Map<String, String> extraParams, Policy policy) {
        List<TrainingExample> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparing(TrainingExample::time));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("rows", Integer.toString(sorted.size()));
        params.put("positives", Long.toString(sorted.stream().filter(TrainingExample::incident).count()));
        params.put("steps", Integer.toString(settings.steps()));
        params.put("learning_rate", Float.toString(settings.learningRate()));
        params.put("holdout_fraction", Double.toString(settings.holdoutFraction()));
        params.put("architecture", "mlp-4-16-8-1");
        params.putAll(extraParams);
        String run = registry.startRun(experiment, params);
        ModelMetrics metrics;
        double[] challengerScores;
        List<TrainingExample> holdout;
        try {
            Path dir = registry.artifactDirectory(run, "model");
            metrics = new RiskModelTrainer(settings).train(sorted, dir);
            holdout = sorted.subList(sorted.size() - metrics.holdoutRows(), sorted.size());
            challengerScores = predict(dir, run, holdout);
            registry.logMetrics(run, metrics.asMap());
            registry.finishRun(run, true);
        } catch (RuntimeException e) {
            registry.finishRun(run, false);
            throw e;
        }
        int version = registry.registerVersion(modelName, run, "model");
        Optional<ModelVersion> champion = registry.version(modelName, ModelRegistry.CHAMPION);
        double[] championScores = champion.map(c -> predict(c.localPath(), c.id(), holdout)).orElse(null);
        List<HoldoutScore> scores = new ArrayList<>(holdout.size());
        for (int i = 0; i < holdout.size(); i++) {
            scores.add(new HoldoutScore(holdout.get(i).time(), holdout.get(i).incident(), challengerScores[i],
                    championScores == null ? null : championScores[i]));
        }
        if (champion.isEmpty()) {
            boolean promote = policy != Policy.NEVER;
            if (promote) {
                registry.setAlias(modelName, ModelRegistry.CHAMPION, version);
            }
            return new Result(version, run, promote, metrics, null, null,
                    promote ? "first model: becomes champion" : "no champion yet; registered only (policy never)",
                    scores);
        }
        double championAuc = ModelMetrics.evaluate(0, holdout, championScores, settings.operatingThreshold()).prAuc();
        boolean better = !Double.isNaN(metrics.prAuc())
                && (Double.isNaN(championAuc) || metrics.prAuc() > championAuc);
        boolean promote = policy == Policy.ALWAYS || policy == Policy.IF_BETTER && better;
        if (promote) {
            registry.setAlias(modelName, ModelRegistry.CHAMPION, version);
        }
        String reason = String.format(Locale.ROOT, "challenger PR-AUC %.3f vs champion %s %.3f on the same hold-out: "
                + "%s", metrics.prAuc(), champion.get().id(), championAuc, promote ? "promoted"
                : better ? "better, but not promoted (policy never)" : "champion kept");
        return new Result(version, run, promote, metrics, champion.get().id(), championAuc, reason, scores);
    }

    private static double[] predict(Path savedModel, String id, List<TrainingExample> rows) {
        if (rows.isEmpty()) {
            return new double[0];
        }
        try (TensorFlowRiskModel m = TensorFlowRiskModel.load(savedModel, id)) {
            return m.predict(rows.stream().map(e -> e.factors().toArray()).toArray(double[][]::new));
        }
    }
}
