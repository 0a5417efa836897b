package io.shadow.spark.feedback;

import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.Counts;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;

/**
 * What earlier feedback imports left in gold: users' decisions ({@code feedback}) and the incident labels
 * ({@code incidents}). An installation that has them is not a fresh one: a run that finds no store, or
 * fewer confirmed incidents than the decisions confirm, would learn confirmed attacks as normal without
 * a word, so it warns instead (a fresh installation has neither table and stays silent).
 *
 * @param decisions rows of gold {@code feedback}
 * @param labelled rows of gold {@code incidents}; -1 when there is no such table
 * @param approved the incidents an approve or modify in gold {@code feedback} confirms
 * @param confirmed the incidents gold {@code incidents} labels 1
 */
public record ImportedLabels(long decisions, long labelled, Set<String> approved, Set<String> confirmed) {
    private static final int NAMED = 5;

    public ImportedLabels {
        approved = Set.copyOf(approved);
        confirmed = Set.copyOf(confirmed);
    }

    /** Reads both tables with Delta Kernel on the driver (one row per decision or incident); creates nothing. */
    public static ImportedLabels read(Configuration hadoop, TableCatalog catalog) {
        KernelTableReader reader = new KernelTableReader(hadoop);
        Set<String> approved = new HashSet<>();
        long[] decisions = {0};
        reader.scan(catalog.path(ShadowTable.FEEDBACK), r -> {
            decisions[0]++;
            if (!"reject".equals(r.string("decision"))) {
                approved.add(r.string("incident_id"));
            }
        });
        Set<String> confirmed = new HashSet<>();
        long[] labelled = {0};
        long version = reader.scan(catalog.path(ShadowTable.INCIDENTS), r -> {
            labelled[0]++;
            if (!r.isNull("label") && r.intValue("label") == 1) {
                confirmed.add(r.string("incident_id"));
            }
        });
        return new ImportedLabels(decisions[0], version < 0 ? -1 : labelled[0], approved, confirmed);
    }

    /** Whether an earlier import brought decisions or labels. */
    public boolean any() {
        return decisions > 0 || labelled > 0;
    }

    /** The incidents users approved or modified a mitigation of that gold {@code incidents} does not list as confirmed. */
    public SortedSet<String> unlabelled() {
        SortedSet<String> out = new TreeSet<>(approved);
        out.removeAll(confirmed);
        return out;
    }

    /**
     * The feedback import's warning when it finds no store ({@code reason}) on an installation earlier
     * imports brought decisions to: most likely a mistyped {@code store.jdbc-url}; empty on a fresh one.
     */
    public Optional<String> storeLost(String reason, String location) {
        if (!any()) {
            return Optional.empty();
        }
        return Optional.of(reason + ", though earlier imports brought " + evidence() + ": no feedback was "
                + "imported, so the decisions users took since the last import do not reach training (the labels "
                + "of the last import stay in use). Check that store.jdbc-url names the database the mitigation API "
                + "uses (" + location + ")");
    }

    /**
     * The warning of a step that reads the incident labels when some incidents users confirmed are not
     * labelled confirmed (gold {@code incidents} moved, emptied or older than {@code feedback}): the step
     * would take their activity for normal. Empty when every confirmation is there.
     *
     * @param fix the command that imports the labels again and recomputes the steps after it
     */
    public Optional<String> missingConfirmations(String fix) {
        SortedSet<String> missing = unlabelled();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        String ids = missing.stream().limit(NAMED).collect(Collectors.joining(", "))
                + (missing.size() > NAMED ? ", …" : "");
        String what = labelled < 0 ? "gold/incidents is missing, though gold/feedback confirms "
                + Counts.of(missing.size(), "incident") + " (" + ids + ")"
                : "gold/incidents does not list " + Counts.of(missing.size(), "incident") + " gold/feedback confirms ("
                        + ids + ")";
        return Optional.of(what + ": this run takes their activity for normal (baselines and novelty profiles "
                + "learn it, so the attackers' networks, agents and processes become usual, and the training set "
                + "labels their anomalies benign). Import the labels again from the mitigation store and recompute "
                + "these tables: " + fix);
    }

    private String evidence() {
        String feedback = Counts.of(decisions, "decision") + " (gold/feedback)";
        String incidents = Counts.of(labelled, "labelled incident") + " (gold/incidents)";
        return decisions > 0 && labelled > 0 ? feedback + " and " + incidents : decisions > 0 ? feedback : incidents;
    }
}
