package io.shadow.spark.feedback;

import static org.apache.spark.sql.functions.col;

import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.Counts;
import io.shadow.spark.DeltaTables;
import io.shadow.spark.Figure;
import io.shadow.spark.Figures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Mitigation store → gold {@code profile_suggestions}: the profiles users keep modifying, with the
 * change their modifications point to. A modify decision undoes the actions the user did not want
 * and applies the ones they asked for; per tenant and profile this job counts which actions were
 * taken out and which put in. A profile is reported when at least {@code minModifications} of its
 * mitigations were modified and they are at least half of those users decided on; an action taken
 * out (put in) by at least half of the modifications becomes a suggested "drop" ("add").
 */
public final class ProfileSuggestionJob {
    /**
     * Statuses of an action a decision took out of force: {@code undone}, or {@code kept} when it
     * could not be reversed (a key rotation): the user still dropped it.
     */
    private static final Set<String> TAKEN_OUT = Set.of("undone", "kept");
    private final SparkSession spark;
    private final TableCatalog catalog;
    private final MitigationStoreTables store;
    private final int minModifications;

    /** One profile to review. */
    public record Suggestion(String tenant, String profile, long modifications, long mitigations, long users,
            Map<String, Long> removed, Map<String, Long> added, String suggestion) {
        /** The line the nightly run prints for operators. */
        public String line() {
            return String.format("profile %s (tenant %s): %d of %d decided mitigations modified by %d user(s); "
                    + "suggested change: %s", profile, tenant, modifications, mitigations, users, suggestion);
        }
    }

    /** The profiles to review, most modified first; with {@code skipped}, why none were looked for (no store yet). */
    public record Result(List<Suggestion> suggestions, String skipped) implements Figures {
        @Override
        public List<Figure> figures() {
            if (skipped != null) {
                return List.of(new Figure("Skipped", skipped));
            }
            List<Figure> out = new ArrayList<>();
            out.add(Figure.count("Profiles users keep modifying", suggestions.size(), "profile"));
            suggestions.forEach(s -> out.add(new Figure("Suggestion", s.line())));
            return out;
        }

        @Override
        public String toString() {
            return skipped != null ? skipped : suggestions.isEmpty() ? "no profile users keep modifying"
                    : Counts.of(suggestions.size(), "profile") + " users keep modifying: "
                            + suggestions.stream().map(s -> s.profile).collect(Collectors.joining(", "));
        }
    }

    /** @param minModifications modifications of a profile before it is reported; default 2 */
    public ProfileSuggestionJob(SparkSession spark, TableCatalog catalog, String jdbcUrl, String user,
            String password, int minModifications) {
        this.spark = spark;
        this.catalog = catalog;
        this.store = MitigationStoreTables.of(jdbcUrl, user, password);
        this.minModifications = minModifications;
    }

    private static final class Tally {
        long decided;
        long modified;
        final Set<String> users = new HashSet<>();
        final Map<String, Long> removed = new TreeMap<>();
        final Map<String, Long> added = new TreeMap<>();
    }

    /** Suggests; skips, creating nothing, when the store does not exist yet or lacks a table it reads. */
    public Result run() {
        var missing = store.missing("mitigations", "actions", "feedback");
        if (missing.isPresent()) {
            return new Result(List.of(), missing.get().reason() + ": no profile suggestions");
        }
        try (MitigationStoreTables.Hold open = store.holdOpen()) {
            return suggest();
        }
    }

    private Result suggest() {
        Map<String, String[]> mitigations = new HashMap<>();
        for (Row m : store.read(spark, "mitigations").select("mitigation_id", "profile").collectAsList()) {
            mitigations.put(m.getString(0), new String[] {m.getString(1)});
        }
        Map<String, List<Row>> actions = store.read(spark, "actions")
                .select("mitigation_id", "type", "params", "status", "applied_at", "undone_at").collectAsList()
                .stream().collect(Collectors.groupingBy(r -> r.getString(0)));
        Map<List<String>, Tally> tallies = new TreeMap<>(Comparator.comparing(Object::toString));
        for (Row f : store.read(spark, "feedback").select(col("mitigation_id"), col("tenant"), col("decision"),
                col("decided_by"), col("decided_at")).collectAsList()) {
            String[] m = mitigations.get(f.getString(0));
            if (m == null) {
                continue;
            }
            Tally t = tallies.computeIfAbsent(List.of(f.getString(1), m[0]), k -> new Tally());
            t.decided++;
            if (!"modify".equals(f.getString(2))) {
                continue;
            }
            t.modified++;
            t.users.add(f.getString(3));
            Instant decided = instant(f.get(4));
            for (Row a : actions.getOrDefault(f.getString(0), List.of())) {
                String action = describe(a.getString(1), a.getString(2));
                Instant applied = instant(a.get(4));
                Instant undone = a.isNullAt(5) ? null : instant(a.get(5));
                if (applied.isBefore(decided) && TAKEN_OUT.contains(a.getString(3)) && undone != null
                        && !undone.isBefore(decided)) {
                    t.removed.merge(action, 1L, Long::sum);
                } else if (!applied.isBefore(decided)) {
                    t.added.merge(action, 1L, Long::sum);
                }
            }
        }
        Instant now = Instant.now();
        List<Suggestion> out = new ArrayList<>();
        tallies.forEach((k, t) -> {
            if (t.modified >= minModifications && 2 * t.modified >= t.decided) {
                out.add(new Suggestion(k.get(0), k.get(1), t.modified, t.decided, t.users.size(), t.removed, t.added,
                        suggestion(t)));
            }
        });
        out.sort(Comparator.comparingLong(Suggestion::modifications).reversed().thenComparing(Suggestion::profile));
        List<Row> rows = out.stream().map(s -> RowFactory.create(s.tenant(), s.profile(), s.modifications(),
                s.mitigations(), s.users(), counts(s.removed()), counts(s.added()), s.suggestion(), now)).toList();
        DeltaTables.overwrite(spark, catalog, ShadowTable.PROFILE_SUGGESTIONS,
                spark.createDataFrame(rows, DeltaTables.schema(ShadowTable.PROFILE_SUGGESTIONS)));
        return new Result(List.copyOf(out), null);
    }

    private static String suggestion(Tally t) {
        List<String> changes = new ArrayList<>();
        t.removed.forEach((a, n) -> {
            if (2 * n >= t.modified) {
                changes.add("drop " + a);
            }
        });
        t.added.forEach((a, n) -> {
            if (2 * n >= t.modified) {
                changes.add("add " + a);
            }
        });
        return changes.isEmpty() ? "none common to most modifications; read the users' comments"
                : String.join("; ", changes);
    }

    private static String describe(String type, String params) {
        String p = params == null ? "" : params.trim();
        return p.isEmpty() || p.equals("{}") ? type : type + " " + p;
    }

    private static String counts(Map<String, Long> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static Instant instant(Object v) {
        return v instanceof Instant i ? i : ((java.sql.Timestamp) v).toInstant();
    }
}
