package io.shadow.model.promotion;

import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TensorFlowRiskModel;
import io.shadow.model.risk.TrainingExample;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One training round: trains a challenger risk model on the examples, logs it as a registry run
 * (parameters, hold-out metrics, SavedModel), and lets {@link ChampionPromotion} register it and
 * decide on the {@code champion} alias. Also returns every hold-out example scored by both models,
 * for precision-recall curves. The nightly run and {@code bin/shadow train} both go through here.
 */
public final class ChampionChallenger {
    /** One hold-out example scored by both models; {@code champion} null without a champion that loads. */
    public record HoldoutScore(Instant time, boolean incident, double challenger, Double champion) {
    }

    /** The registry run, the promotion decision, and the hold-out scores. */
    public record Result(String runId, ChampionPromotion.Decision decision, List<HoldoutScore> holdout) {
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

    /** @param extraParams logged on the run beside the training parameters (e.g. the window trained on) */
    public Result run(List<TrainingExample> examples, Map<String, String> extraParams,
            ChampionPromotion.Policy policy) {
        List<TrainingExample> sorted = new ArrayList<>(examples);
        sorted.sort(TrainingExample.ORDER);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("rows", Integer.toString(sorted.size()));
        params.put("positives", Long.toString(sorted.stream().filter(TrainingExample::incident).count()));
        params.put("steps", Integer.toString(settings.steps()));
        params.put("learning_rate", Float.toString(settings.learningRate()));
        params.put("holdout_fraction", Double.toString(settings.holdoutFraction()));
        params.put("architecture", RiskModelTrainer.ARCHITECTURE);
        params.putAll(extraParams);
        String run = registry.startRun(experiment, params);
        List<TrainingExample> holdout = RiskModelTrainer.holdout(sorted, settings.holdoutFraction());
        ModelMetrics metrics;
        double[] challenger;
        try {
            Path dir = registry.artifactDirectory(run, "model");
            metrics = new RiskModelTrainer(settings).train(sorted, dir);
            challenger = predict(dir, run, holdout);
            if (metrics.trainRows() > 0) {
                registry.logMetrics(run, Map.of(ChampionPromotion.TRAIN_LAST,
                        (double) sorted.get(metrics.trainRows() - 1).time().getEpochSecond()));
            }
        } catch (RuntimeException e) {
            registry.finishRun(run, false);
            throw e;
        }
        double[] champion = championScores(holdout);
        ChampionPromotion.Decision decision = new ChampionPromotion(registry, modelName, settings.operatingThreshold())
                .challenge(run, "model", metrics, holdout, policy);
        List<HoldoutScore> scores = new ArrayList<>(holdout.size());
        for (int i = 0; i < holdout.size(); i++) {
            scores.add(new HoldoutScore(holdout.get(i).time(), holdout.get(i).incident(), challenger[i],
                    champion == null ? null : champion[i]));
        }
        return new Result(run, decision, scores);
    }

    /** The current champion's scores on the hold-out; null without one, or when it does not load. */
    private double[] championScores(List<TrainingExample> holdout) {
        try {
            Optional<ModelVersion> c = registry.version(modelName, ModelRegistry.CHAMPION);
            return c.isEmpty() ? null : predict(c.get().localPath(), c.get().id(), holdout);
        } catch (RuntimeException e) {
            return null; // ChampionPromotion reports why it did not load (a missing run, a broken SavedModel)
        }
    }

    private static double[] predict(Path savedModel, String id, List<TrainingExample> rows) {
        if (rows.isEmpty()) {
            return new double[0];
        }
        try (TensorFlowRiskModel m = TensorFlowRiskModel.load(savedModel, id)) {
            return m.predict(TrainingExample.factorRows(rows));
        }
    }
}
