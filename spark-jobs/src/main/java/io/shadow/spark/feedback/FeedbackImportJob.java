package io.shadow.spark.feedback;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.Counts;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import io.shadow.spark.StepWarnings;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Mitigation store → gold {@code feedback} and {@code incidents}. Users' decisions are read over
 * JDBC (H2 or PostgreSQL) and become labels: an incident any of whose mitigations was approved or
 * modified is confirmed (label 1); one whose mitigations were all rejected by a reviewer is benign
 * (label 0). One reject among undecided steps labels nothing: an operator who rejects an attack's
 * first step (a throttle that was the wrong response) has not called the escalation after it benign. A
 * rejection by the person whose own activity the incident is about ({@code own_activity}) is kept in
 * {@code feedback} but labels nothing: an attacker holding the account would reject too, so only
 * someone else's rejection teaches the nightly run that the activity was benign. Incidents nobody has
 * labelled yet (a mitigation without a decision, or with only the entity's own rejection) in the medium
 * or high band, opened within the review window ({@code mitigation.review-window}, default
 * {@link #DEFAULT_REVIEW_WINDOW}),
 * go to {@code unreviewed_incidents}: an attack the emergency path stopped while nobody looked is still
 * an attack, so baselines, novelty profiles and the training set treat them as not normal and not
 * labelled (never as benign). Low-band incidents (logged, throttled for an hour) are rarely reviewed
 * and stay part of normal, as do unreviewed ones older than that, so that a new routine nobody objects
 * to is learned rather than flagged for good. The tables are rewritten from the store, which stays the
 * source of truth, so the import is idempotent. A store
 * whose schema predates {@code own_activity} (store migration V4, applied when the mitigation API
 * next starts) is read as if no decision were on one's own activity.
 */
public final class FeedbackImportJob {
    /**
     * How long an unreviewed medium- or high-band incident is kept out of normal, from when it opened,
     * unless {@code mitigation.review-window} says otherwise.
     */
    public static final java.time.Duration DEFAULT_REVIEW_WINDOW = java.time.Duration.ofDays(30);

    private final SparkSession spark;
    private final TableCatalog catalog;
    private final MitigationStoreTables store;
    private final java.time.Clock clock;
    private final java.time.Duration reviewWindow;

    /**
     * Rows written; or, with {@code skipped}, why nothing was imported (no store yet) and the gold
     * tables were left as they were.
     */
    public record Result(long feedback, long incidents, long confirmed, long unreviewed, String skipped,
            @com.fasterxml.jackson.annotation.JsonIgnore List<String> warnings) implements Figures, StepWarnings {
        public Result {
            warnings = List.copyOf(warnings);
        }

        public Result(long feedback, long incidents, long confirmed, long unreviewed, String skipped) {
            this(feedback, incidents, confirmed, unreviewed, skipped, List.of());
        }

        @Override
        public List<Figure> figures() {
            return skipped != null ? List.of(new Figure("Skipped", skipped))
                    : List.of(Figure.count("Feedback imported", feedback, "row"),
                            Figure.count("Incidents reviewed", incidents, "incident"),
                            Figure.count("Incidents confirmed", confirmed, "incident"),
                            Figure.count("Incidents awaiting review", unreviewed, "incident"));
        }

        @Override
        public String toString() {
            return skipped != null ? skipped
                    : Counts.of(feedback, "feedback row") + ", " + Counts.of(incidents, "reviewed incident") + " ("
                            + Counts.number(confirmed) + " confirmed)" + (unreviewed == 0 ? "" : ", "
                            + Counts.number(unreviewed) + " awaiting review (kept out of normal, unlabelled)");
        }
    }

    public FeedbackImportJob(SparkSession spark, TableCatalog catalog, String jdbcUrl, String user, String password) {
        this(spark, catalog, jdbcUrl, user, password, java.time.Clock.systemUTC(), DEFAULT_REVIEW_WINDOW);
    }

    /**
     * @param clock the import's time, from which {@code reviewWindow} is counted back
     * @param reviewWindow how long an unreviewed medium- or high-band incident is listed as awaiting review
     */
    public FeedbackImportJob(SparkSession spark, TableCatalog catalog, String jdbcUrl, String user, String password,
            java.time.Clock clock, java.time.Duration reviewWindow) {
        this.spark = spark;
        this.catalog = catalog;
        this.store = MitigationStoreTables.of(jdbcUrl, user, password);
        this.clock = clock;
        this.reviewWindow = reviewWindow;
    }

    /**
     * Imports the store; skips, creating nothing, when it does not exist yet or has no feedback table.
     * Skipping warns where earlier imports brought decisions (no store, or one without incidents, there is
     * a misconfiguration), and leaves the gold tables as the last import wrote them.
     */
    public Result run() {
        var missing = store.missing("feedback", "incidents", "mitigations");
        if (missing.isPresent()) {
            // a fresh installation has no store file yet; a database without the tables is likely the wrong one
            List<String> warnings = missing.get().storeWithoutTables() ? List.of(missing.get().reason()
                    + ": no feedback was imported, and the incidents the next steps leave out are those of the last "
                    + "import. A store the mitigation API has run against has these tables: check that "
                    + "store.jdbc-url names the database the API uses (" + store.location() + ")")
                    : imported().storeLost("no mitigation store at " + store.location(), store.location()).stream()
                            .toList();
            return new Result(0, 0, 0, 0, missing.get().reason() + ": no feedback to import", warnings);
        }
        try (MitigationStoreTables.Hold open = store.holdOpen()) {
            if (store.read(spark, "incidents").isEmpty()) {
                // incidents are never deleted from a store: none where earlier imports found some is another store
                String reason = "the mitigation store at " + store.location() + " has no incidents";
                List<String> warnings = imported().storeLost(reason, store.location()).stream().toList();
                if (!warnings.isEmpty()) {
                    return new Result(0, 0, 0, 0, reason + ": no feedback imported, the last import's labels kept",
                            warnings);
                }
            }
            return importStore();
        }
    }

    private ImportedLabels imported() {
        return ImportedLabels.read(spark.sparkContext().hadoopConfiguration(), catalog);
    }

    private Result importStore() {
        Dataset<Row> feedback = withOwnActivity(store.read(spark, "feedback")).cache();
        Dataset<Row> incidents = store.read(spark, "incidents");
        try {
            DeltaTables.overwrite(spark, catalog, ShadowTable.FEEDBACK, feedback);
            Dataset<Row> labels = labels(store.read(spark, "mitigations"), feedback);
            Dataset<Row> labelled = incidents.join(labels, "incident_id")
                    .select(incidentColumns(col("label"), col("decided_at")));
            DeltaTables.overwrite(spark, catalog, ShadowTable.INCIDENTS, labelled);
            java.sql.Timestamp since = java.sql.Timestamp.from(clock.instant().minus(reviewWindow));
            Dataset<Row> unlabelled = incidents.join(labels, incidents.col("incident_id")
                    .equalTo(labels.col("incident_id")), "left_anti")
                    .filter(org.apache.spark.sql.functions.lower(col("band")).isin("medium", "high")
                            .and(col("opened_at").geq(lit(since))))
                    .select(incidentColumns(col("band"), col("opened_at")));
            DeltaTables.overwrite(spark, catalog, ShadowTable.UNREVIEWED_INCIDENTS, unlabelled);
            Dataset<Row> written = DeltaTables.read(spark, catalog, ShadowTable.INCIDENTS);
            return new Result(feedback.count(), written.count(), written.filter(col("label").equalTo(1)).count(),
                    DeltaTables.read(spark, catalog, ShadowTable.UNREVIEWED_INCIDENTS).count(), null);
        } finally {
            feedback.unpersist();
        }
    }

    /**
     * {@code incident_id, label, decided_at} of the incidents decided: 1 when any of its mitigations was
     * approved or modified, 0 when every one of them was rejected by a reviewer. An incident with a
     * mitigation nobody has reviewed yet (no decision, or only its own person's reject) is left out: an
     * operator who rejects an attack's first step and has not yet reached the escalation has not called
     * the attack benign.
     */
    private static Dataset<Row> labels(Dataset<Row> mitigations, Dataset<Row> feedback) {
        Dataset<Row> reviewed = feedback
                .filter(col("decision").notEqual("reject").or(col("own_activity").equalTo(false)))
                .groupBy("mitigation_id")
                .agg(max(when(col("decision").equalTo("reject"), 0).otherwise(1)).as("confirms"),
                        max("decided_at").as("decided_at"));
        return mitigations.select("mitigation_id", "incident_id").join(reviewed, "mitigation_id", "left")
                .groupBy("incident_id")
                .agg(max("confirms").as("confirms"), count(lit(1)).as("mitigations"),
                        count("confirms").as("reviewed"), max("decided_at").as("decided_at"))
                .filter(col("confirms").equalTo(1).or(col("reviewed").equalTo(col("mitigations"))))
                .select(col("incident_id"), when(col("confirms").equalTo(1), 1).otherwise(0).as("label"),
                        col("decided_at"));
    }

    /** The columns both gold incident tables start with, as the store names them, then {@code more}. */
    private static org.apache.spark.sql.Column[] incidentColumns(org.apache.spark.sql.Column... more) {
        List<org.apache.spark.sql.Column> out = new java.util.ArrayList<>(List.of(col("incident_id"), col("tenant"),
                col("entity_kind"), col("entity_id"), col("first_seen").as("start_time"),
                col("last_seen").as("end_time"), col("pattern")));
        out.addAll(List.of(more));
        return out.toArray(org.apache.spark.sql.Column[]::new);
    }

    /** The store's feedback with {@code own_activity}, false for every decision when the store has no such column yet. */
    private static Dataset<Row> withOwnActivity(Dataset<Row> feedback) {
        boolean known = Arrays.stream(feedback.columns()).anyMatch(c -> c.equalsIgnoreCase("own_activity"));
        return known ? feedback : feedback.withColumn("own_activity", lit(false));
    }
}
