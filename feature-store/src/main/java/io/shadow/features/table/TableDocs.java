package io.shadow.features.table;

import io.shadow.features.Feature;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code docs/tables.md}, written from {@link ShadowTable} and {@link Feature}, so the reference a data
 * scientist reads is the schema the jobs write ({@code TableDocsTest} fails when the file is stale).
 */
public final class TableDocs {
    private TableDocs() {
    }

    /** The whole page. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("""
                # Tables

                Every Delta table Shadow keeps, under the warehouse root (`<data-dir>/warehouse` by default,
                `warehouse` in the config): bronze is telemetry as it arrived, silver what the nightly run derives
                from it, gold what baselines, scoring and training read. Written by the nightly steps
                ([operations](operations.md)); read with Spark, Delta Kernel, or `deltalake` in Python (the
                notebooks). Generated from `ShadowTable` and `Feature` (feature-store module): do not edit by hand;
                `TableDocsTest` says how to regenerate it.

                """);
        for (ShadowTable t : ShadowTable.values()) {
            out.append("## `").append(t.relativePath()).append("`\n\n");
            if (!t.partitionColumns().isEmpty()) {
                out.append("Partitioned by `").append(String.join("`, `", t.partitionColumns())).append("`.\n\n");
            }
            out.append("| column | type | null | meaning |\n|---|---|---|---|\n");
            for (Column c : t.columns()) {
                out.append("| `").append(c.name()).append("` | ").append(type(c.type())).append(" | ")
                        .append(c.nullable() ? "may be null" : "").append(" | ").append(cell(c.doc())).append(" |\n");
            }
            out.append('\n');
        }
        out.append("""
                ## Features

                The `feature` column of `silver/features` and `gold/baselines`. A bucket is 5 minutes (UTC). Sums add
                the events of a bucket up, means average its samples. Baselines keep each feature on its scale:
                `count` and `linear` as the bucket value, `log` as `ln(1 + value)` over active buckets only (an idle
                bucket is not a deviation), so a volume's deviation is a ratio to its usual size. `silver/features`
                always holds the raw bucket value.

                | feature | entity | aggregation | scale | meaning |
                |---|---|---|---|---|
                """);
        for (Feature f : Feature.values()) {
            out.append("| `").append(f.wireName()).append("` | ").append(f.entityKind().wireName()).append(" | ")
                    .append(lower(f.aggregation())).append(" | ").append(lower(f.scale())).append(" | ")
                    .append(cell(f.description())).append(" |\n");
        }
        return out.toString();
    }

    private static String type(ColumnType t) {
        return switch (t) {
            case MAP_STRING_STRING -> "map<string, string>";
            case TIMESTAMP -> "timestamp (UTC)";
            default -> lower(t);
        };
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String cell(String text) {
        return text.lines().collect(Collectors.joining(" ")).replace("|", "\\|");
    }
}
