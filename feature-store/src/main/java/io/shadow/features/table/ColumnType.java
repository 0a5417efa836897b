package io.shadow.features.table;

/** Column types used by Shadow's tables; Spark and Delta Kernel each map them to their own types. */
public enum ColumnType {
    STRING,
    INT,
    LONG,
    DOUBLE,
    BOOLEAN,
    /** Microseconds since the epoch, UTC. */
    TIMESTAMP,
    DATE,
    MAP_STRING_STRING
}
