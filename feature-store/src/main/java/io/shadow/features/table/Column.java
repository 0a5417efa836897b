package io.shadow.features.table;

/** One column of a {@link ShadowTable}. */
public record Column(String name, ColumnType type, boolean nullable, String doc) {
    public static Column required(String name, ColumnType type, String doc) {
        return new Column(name, type, false, doc);
    }

    public static Column optional(String name, ColumnType type, String doc) {
        return new Column(name, type, true, doc);
    }
}
