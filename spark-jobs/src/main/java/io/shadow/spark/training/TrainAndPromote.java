package io.shadow.spark.training;

import com.fasterxml.jackson.annotation.JsonValue;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.promotion.ChampionChallenger;
import io.shadow.model.promotion.ChampionPromotion;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.ModelMetrics;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import io.shadow.model.risk.WeightedRiskModel;
import io.shadow.spark.Counts;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Gold training set → a new risk model version in the registry. The model is trained in TensorFlow
 * Java, logged as a run with its parameters, hold-out metrics and SavedModel artifact, registered,
 * and made {@code champion} by {@link ChampionPromotion}: only if it beats the PR-AUC of what serves
 * (the champion, or without one the weighted fallback) on the same time-split hold-out (a tie keeps
 * what serves), and never if its risk can fall as a factor rises.
 */
public final class TrainAndPromote {
    public static final String MODEL_NAME = "shadow-risk";
    public static final String EXPERIMENT = "shadow-risk-model";

    private final SparkSession spark;
    private final TableCatalog catalog;
    private final ModelRegistry registry;
    private final RiskModelTrainer.Settings settings;

    public TrainAndPromote(SparkSession spark, TableCatalog catalog, ModelRegistry registry,
            RiskModelTrainer.Settings settings) {
        this.spark = spark;
        this.catalog = catalog;
        this.registry = registry;
        this.settings = settings;
    }

    /** Trains, logs and registers a challenger; the decision, with both models' metrics, goes to the run report. */
    public ChampionPromotion.Decision run() {
        return train(examples());
    }

    /**
     * The night's decision in the run report: {@code report.json} holds the decision's fields as
     * they are, {@code report.txt} the labelled figures.
     */
    public record Outcome(@JsonValue ChampionPromotion.Decision decision) implements Figures {
        @Override
        public List<Figure> figures() {
            ChampionPromotion.Decision d = decision;
            return List.of(new Figure("Version registered", MODEL_NAME + ":" + d.version()),
                    new Figure("Promoted", d.promoted() ? "yes, now champion" : "no"),
                    new Figure("Challenger", metrics(d.challenger())),
                    new Figure("Champion before", d.championId() == null ? "none"
                            : d.championId().equals(WeightedRiskModel.ID) ? "none, the weighted fallback served: "
                                    + metrics(d.champion())
                            : d.champion() == null ? d.championId() + ", did not load"
                            : d.championId() + ", " + metrics(d.champion())),
                    new Figure("Reason", d.reason()));
        }

        /** One line for the nightly progress output. */
        @Override
        public String toString() {
            return decision.toString();
        }

        private static String metrics(ModelMetrics m) {
            return m.summary() + " on " + Counts.of(m.holdoutRows(), "hold-out row") + ", "
                    + ModelMetrics.positives(m.holdoutPositives(), m.holdoutRows()) + ", at threshold "
                    + String.format(Locale.ROOT, "%.2f", m.threshold())
                    + (m.trainRows() > 0 ? ", trained on " + Counts.of(m.trainRows(), "row") : "");
        }
    }

    /**
     * {@link #run()}, or, while the training set holds no confirmed incident (a new installation, or no
     * user has approved a mitigation yet), what the night leaves as it is: there is nothing to learn an
     * incident from, which is not a failure of the run.
     */
    public Object runOrSkip() {
        List<TrainingExample> examples = examples();
        if (examples.stream().noneMatch(TrainingExample::incident)) {
            return "skipped: the training set has " + examples.size() + " rows and no confirmed incident yet;"
                    + " the current champion (or, without one, the weighted fallback) stays until users confirm"
                    + " incidents";
        }
        return new Outcome(train(examples));
    }

    private List<TrainingExample> examples() {
        return DeltaTables.read(spark, catalog, ShadowTable.TRAINING_SET).collectAsList().stream()
                .map(TrainAndPromote::example).sorted(TrainingExample.ORDER).toList();
    }

    private ChampionPromotion.Decision train(List<TrainingExample> examples) {
        return new ChampionChallenger(registry, settings, MODEL_NAME, EXPERIMENT)
                .run(examples, Map.of(), ChampionPromotion.Policy.IF_BETTER).decision();
    }

    private static TrainingExample example(Row r) {
        Instant t = r.getAs("time");
        return new TrainingExample(t, new RiskFactors(r.<Double>getAs("severity"), r.<Double>getAs("resource_risk"),
                r.<Double>getAs("prior_incidents"), r.<Double>getAs("threat_intel")), r.<Integer>getAs("label") == 1);
    }
}
