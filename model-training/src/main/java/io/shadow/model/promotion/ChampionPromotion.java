package io.shadow.model.promotion;

import io.shadow.model.registry.MissingRunException;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.model.risk.Monotonicity;
import io.shadow.model.risk.TensorFlowRiskModel;
import io.shadow.model.risk.TrainingExample;
import io.shadow.model.risk.WeightedRiskModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a freshly trained risk model (the challenger) becomes {@code champion}. The
 * challenger, the champion and the weighted fallback are scored on the same time-split hold-out (the
 * latest rows, which neither model was trained on); every set of metrics (PR-AUC, precision and recall
 * at the operating threshold) goes to the challenger's run. The rule:
 * <ul>
 *   <li>a challenger whose risk falls anywhere as one factor rises ({@link Monotonicity}) is never
 *       promoted;</li>
 *   <li>no champion yet: the weighted fallback is what serves, and the challenger replaces it only with
 *       a strictly higher PR-AUC (a hold-out without a confirmed incident cannot measure it: the
 *       fallback stays);</li>
 *   <li>the champion no longer loads (e.g. its run is missing from the registry, so the scorer could not
 *       serve it either): promote a measured challenger;</li>
 *   <li>a hold-out without a confirmed incident cannot rank models: keep the champion;</li>
 *   <li>a champion that is not monotone (trained by an older Shadow, or imported) gives way to a measured
 *       monotone challenger that beats the weighted fallback's PR-AUC, whatever the champion's;</li>
 *   <li>otherwise promote only if the challenger's PR-AUC is strictly higher. A tie keeps the
 *       champion: a switch costs a reload and changes every explanation for no measured gain.</li>
 * </ul>
 * The decision is tagged on the run ({@value #DECISION_TAG}) and returned for the run report.
 */
public final class ChampionPromotion {
    public static final String DECISION_TAG = "shadow.promotion";
    public static final String CHAMPION_PREFIX = "champion_";
    /** Prefix of the weighted fallback's hold-out metrics, logged on every run as the analysts' reference. */
    public static final String FALLBACK_PREFIX = "fallback_";
    private static final String FALLBACK_KEPT = "the weighted fallback keeps serving";
    /**
     * Metric on each run: the time (epoch seconds) of the last row the model was trained on, so that a
     * later hold-out reaching back before it is known to be partly the model's own training data.
     */
    public static final String TRAIN_LAST = "train_last_epoch_s";

    private final ModelRegistry registry;
    private final String modelName;
    private final double threshold;

    /** Whether the rule above moves the alias (the nightly run), or a person decides (bin/shadow train). */
    public enum Policy {
        /** the rule above */
        IF_BETTER,
        /** register and compare only; promote later ({@code bin/shadow models promote}) */
        NEVER,
        /** promote whatever the comparison says */
        ALWAYS;

        public static Policy fromWire(String s) {
            try {
                return valueOf(s.trim().replace('-', '_').toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown promotion policy '" + s + "'; use if-better, never or "
                        + "always");
            }
        }
    }

    /** What was decided, for the nightly run report. {@code champion} is null without a comparable champion. */
    public record Decision(int version, boolean promoted, ModelMetrics challenger, String championId,
            ModelMetrics champion, String reason) {
        public Map<String, Object> report() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", version);
            m.put("promoted", promoted);
            m.put("challenger", challenger.asMap());
            m.put("champion_id", championId);
            m.put("champion", champion == null ? null : champion.asMap());
            m.put("reason", reason);
            return m;
        }

        /** One line for the nightly progress output; the report keeps every figure. */
        @Override
        public String toString() {
            return "version " + version + (promoted ? " promoted" : " not promoted") + ": " + reason;
        }
    }

    /** @param threshold operating threshold (probability) at which precision and recall are reported */
    public ChampionPromotion(ModelRegistry registry, String modelName, double threshold) {
        this.registry = registry;
        this.modelName = modelName;
        this.threshold = threshold;
    }

    /**
     * Judges the model of a run that is still open (its artifact written to
     * {@code artifactDirectory(runId, artifactPath)}): logs the champion's hold-out metrics beside
     * the challenger's, finishes the run, registers the model as the next version and moves the
     * alias if the challenger wins.
     *
     * @param challenger the challenger's metrics on {@code holdout}, as {@link
     *     io.shadow.model.risk.RiskModelTrainer#train} returned them
     */
    public Decision challenge(String runId, String artifactPath, ModelMetrics challenger,
            List<TrainingExample> holdout) {
        return challenge(runId, artifactPath, challenger, holdout, Policy.IF_BETTER);
    }

    /** As {@link #challenge(String, String, ModelMetrics, List)}, the alias moved according to {@code policy}. */
    public Decision challenge(String runId, String artifactPath, ModelMetrics challenger,
            List<TrainingExample> holdout, Policy policy) {
        if (challenger.holdoutRows() != holdout.size()) {
            throw new IllegalArgumentException("the challenger was evaluated on " + challenger.holdoutRows()
                    + " hold-out rows but " + holdout.size() + " were given; pass the same time-split hold-out "
                    + "(RiskModelTrainer.holdout) so both models are judged on the same rows");
        }
        Optional<Monotonicity.Violation> bent = violation(registry.artifactDirectory(runId, artifactPath), runId);
        Optional<ModelVersion> current;
        Judged champion = null;
        String championError = null;
        String championId;
        try {
            current = registry.version(modelName, ModelRegistry.CHAMPION);
            championId = current.map(ModelVersion::id).orElse(null);
        } catch (MissingRunException e) { // judged like a champion that does not load
            current = Optional.empty();
            championId = e.versionId();
            championError = e.missing();
        }
        if (current.isPresent()) {
            try {
                champion = evaluate(current.get(), holdout);
            } catch (RuntimeException e) {
                championError = e.getMessage();
            }
        }
        ModelMetrics fallback = ModelMetrics.evaluate(0, holdout, WeightedRiskModel.defaults().batch(TrainingExample.factorRows(holdout)),
                threshold);
        Map<String, Double> logged = new LinkedHashMap<>(challenger.asMap());
        if (champion != null) {
            // the champion's training rows are not known here (its own run has them): not logged as 0
            champion.metrics().asMap().forEach((k, v) -> {
                if (!k.equals("train_rows")) {
                    logged.put(CHAMPION_PREFIX + k, v);
                }
            });
        }
        fallback.asMap().forEach((k, v) -> {
            if (!k.equals("train_rows")) {
                logged.put(FALLBACK_PREFIX + k, v);
            }
        });
        registry.logMetrics(runId, logged);
        registry.finishRun(runId, true);
        int version = registry.registerVersion(modelName, runId, artifactPath);

        boolean promote;
        String basis;
        String verdict;
        String kept = championId == null ? FALLBACK_KEPT : "champion " + championId + " kept";
        if (bent.isPresent()) {
            promote = false;
            basis = "the challenger is not monotone: " + bent.get().describe();
            verdict = kept;
        } else if (championId == null) {
            // nothing promoted yet: the weighted fallback serves, and a trained model has to beat it
            if (Double.isNaN(challenger.prAuc())) {
                promote = false;
                basis = String.format("first model in this registry, not evaluated: the hold-out of %d rows has no "
                        + "confirmed incident, so PR-AUC cannot rank it against the weighted fallback", holdout.size());
                verdict = FALLBACK_KEPT;
            } else {
                promote = challenger.prAuc() > fallback.prAuc();
                basis = "first model: " + comparison(challenger, WeightedRiskModel.ID, fallback, holdout.size());
                verdict = promote ? "becomes champion" : challenger.prAuc() == fallback.prAuc()
                        ? "tie, " + FALLBACK_KEPT : FALLBACK_KEPT;
            }
        } else if (champion == null && !Double.isNaN(challenger.prAuc())) {
            promote = true;
            basis = String.format("champion %s did not load on the hold-out (%s)", championId, championError);
            verdict = "challenger promoted";
        } else if (Double.isNaN(challenger.prAuc())) {
            // also when the champion did not load: an unmeasured challenger does not replace it
            promote = false;
            basis = String.format("the hold-out of %d rows has no confirmed incident, so PR-AUC cannot rank the "
                    + "models", holdout.size());
            verdict = kept;
        } else if (champion.violation().isPresent()) {
            // a champion trained before the trainer was monotone (or imported): risk it serves can fall as a
            // factor rises, which no analyst reads into a score; a monotone measured challenger replaces it
            // whatever the champion's PR-AUC, as long as it ranks better than the weighted fallback would
            promote = challenger.prAuc() > fallback.prAuc();
            basis = comparison(challenger, championId, champion.metrics(), holdout.size()) + "; champion "
                    + championId + " is not monotone: " + champion.violation().get().describe()
                    + String.format(java.util.Locale.ROOT, "; the weighted fallback's PR-AUC %s",
                            ModelMetrics.figure(fallback.prAuc(), 4, "n/a"));
            verdict = promote ? "challenger promoted" : "champion " + championId + " kept: the challenger does not "
                    + "beat the weighted fallback either";
        } else {
            promote = Double.isNaN(champion.metrics().prAuc()) || challenger.prAuc() > champion.metrics().prAuc();
            basis = comparison(challenger, "champion " + championId, champion.metrics(), holdout.size());
            verdict = promote ? "promoted" : challenger.prAuc() == champion.metrics().prAuc() ? "tie, champion kept"
                    : "champion kept";
        }
        String note = champion == null ? "" : seenByChampion(current.get(), holdout);
        String reason = basis + ": " + verdict + note;
        if (policy != Policy.IF_BETTER && promote != (policy == Policy.ALWAYS)) {
            reason = basis + ": the if-better rule would " + (promote ? "promote it" : "keep the champion") + "; "
                    + (promote ? "not promoted (policy never)" : "promoted anyway (policy always)") + note;
            promote = policy == Policy.ALWAYS;
        }
        if (promote) {
            registry.setAlias(modelName, ModelRegistry.CHAMPION, version);
        }
        registry.setTag(runId, DECISION_TAG, (promote ? "promoted " : "not promoted ") + modelName + ":" + version
                + ": " + reason);
        return championId == null
                ? new Decision(version, promote, challenger, WeightedRiskModel.ID, fallback, reason)
                : new Decision(version, promote, challenger, championId, champion == null ? null : champion.metrics(),
                        reason);
    }

    /**
     * Empty, or a note that the champion was trained on some of the hold-out's rows (a window retrained
     * further back than the champion's data reached): its figures are then optimistic.
     */
    private static String seenByChampion(ModelVersion champion, List<TrainingExample> holdout) {
        Double last = champion.metrics().get(TRAIN_LAST);
        if (last == null || holdout.isEmpty()) {
            return "";
        }
        java.time.Instant trainedTo = java.time.Instant.ofEpochSecond(last.longValue());
        long seen = holdout.stream().filter(e -> !e.time().isAfter(trainedTo)).count();
        return seen == 0 ? "" : String.format(java.util.Locale.ROOT, " (note: %s was trained on rows up to %s, which "
                + "include %d of the %d hold-out rows, so its figures are optimistic)", champion.id(), trainedTo,
                seen, holdout.size());
    }

    private static String precision(ModelMetrics m) {
        return ModelMetrics.figure(m.precision(), 3, ModelMetrics.NO_POSITIVE);
    }

    private static String recall(ModelMetrics m) {
        return ModelMetrics.figure(m.recall(), 3, ModelMetrics.NO_INCIDENT);
    }

    /** A champion's hold-out metrics, and where its risk falls as a factor rises (empty: it never does). */
    private record Judged(ModelMetrics metrics, Optional<Monotonicity.Violation> violation) {
    }

    private Judged evaluate(ModelVersion v, List<TrainingExample> holdout) {
        try (TensorFlowRiskModel m = TensorFlowRiskModel.load(v.localPath(), v.id())) {
            double[][] rows = TrainingExample.factorRows(holdout);
            return new Judged(ModelMetrics.evaluate(0, holdout, rows.length == 0 ? new double[0] : m.predict(rows),
                    threshold), Monotonicity.check(m::predict));
        }
    }

    private static Optional<Monotonicity.Violation> violation(Path savedModel, String runId) {
        try (TensorFlowRiskModel m = TensorFlowRiskModel.load(savedModel, runId)) {
            return Monotonicity.check(m::predict);
        }
    }

    /** {@code challenger PR-AUC … vs <other> PR-AUC … on the same N hold-out rows at threshold t}. */
    private String comparison(ModelMetrics challenger, String other, ModelMetrics theirs, int rows) {
        return String.format(java.util.Locale.ROOT, "challenger PR-AUC %s (precision %s, recall %s) vs %s PR-AUC %s "
                + "(precision %s, recall %s) on the same %d hold-out rows at threshold %.2f",
                ModelMetrics.figure(challenger.prAuc(), 4, "n/a"), precision(challenger), recall(challenger), other,
                ModelMetrics.figure(theirs.prAuc(), 4, "n/a"), precision(theirs), recall(theirs), rows, threshold);
    }
}
