package io.shadow.features.table;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads Delta tables on the online path with Delta Kernel, without Spark: the scorer loads
 * baselines, novelty profiles and threat indicators this way.
 */
public final class KernelTableReader {
    private final Engine engine;

    public KernelTableReader() {
        this(new Configuration());
    }

    public KernelTableReader(Configuration hadoopConf) {
        this.engine = DefaultEngine.create(hadoopConf);
    }

    /** A row view with column look-up by name, valid only inside the callback. */
    public record NamedRow(Row row, StructType schema) {
        public int ordinal(String column) {
            int i = schema.indexOf(column);
            if (i < 0) {
                throw new IllegalArgumentException("column '" + column + "' not in " + schema.fieldNames());
            }
            return i;
        }

        public String string(String column) {
            int i = ordinal(column);
            return row.isNullAt(i) ? null : row.getString(i);
        }

        public long longValue(String column) {
            return row.getLong(ordinal(column));
        }

        public int intValue(String column) {
            return row.getInt(ordinal(column));
        }

        public double doubleValue(String column) {
            return row.getDouble(ordinal(column));
        }

        public boolean booleanValue(String column) {
            return row.getBoolean(ordinal(column));
        }

        /** A TIMESTAMP column (microseconds since the epoch), or null. */
        public java.time.Instant instant(String column) {
            int i = ordinal(column);
            if (row.isNullAt(i)) {
                return null;
            }
            long micros = row.getLong(i);
            return java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1000);
        }

        public boolean isNull(String column) {
            return row.isNullAt(ordinal(column));
        }
    }

    /** The latest version of a table, or empty when there is no table at the path yet. */
    public Optional<Long> latestVersion(String tablePath) {
        try {
            return Optional.of(TableManager.loadSnapshot(tablePath).build(engine).getVersion());
        } catch (TableNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Calls {@code consumer} for every live row of the latest snapshot.
     *
     * @return the version read, or -1 when the table does not exist (no rows are passed then)
     */
    public long scan(String tablePath, Consumer<NamedRow> consumer) {
        return scan(tablePath, null, consumer);
    }

    /**
     * Like {@link #scan(String, Consumer)}, with a filter Kernel uses to skip files (partition values
     * and column statistics); rows of the files kept may still fall outside it, so callers check
     * each row.
     */
    public long scan(String tablePath, Predicate skipFilesOutside, Consumer<NamedRow> consumer) {
        Snapshot snapshot;
        try {
            snapshot = TableManager.loadSnapshot(tablePath).build(engine);
        } catch (TableNotFoundException e) {
            return -1;
        }
        var builder = snapshot.getScanBuilder();
        Scan scan = (skipFilesOutside == null ? builder : builder.withFilter(skipFilesOutside)).build();
        Row scanState = scan.getScanState(engine);
        StructType logicalSchema = ScanStateRow.getLogicalSchema(scanState);
        StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> fileRows = files.next().getRows()) {
                    while (fileRows.hasNext()) {
                        readFile(scanState, fileRows.next(), physicalSchema, logicalSchema, consumer);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Delta table " + tablePath, e);
        }
        return snapshot.getVersion();
    }

    private void readFile(Row scanState, Row scanFile, StructType physicalSchema, StructType logicalSchema,
            Consumer<NamedRow> consumer) throws IOException {
        FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
        CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(status), physicalSchema, Optional.empty())
                .map(FileReadResult::getData);
        try (CloseableIterator<FilteredColumnarBatch> data =
                Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
            while (data.hasNext()) {
                try (CloseableIterator<Row> rows = data.next().getRows()) {
                    while (rows.hasNext()) {
                        consumer.accept(new NamedRow(rows.next(), logicalSchema));
                    }
                }
            }
        }
    }
    /** A live data file of a snapshot: partition values (by physical column name), path, size, deletion vector id or null. */
    public record DataFile(Map<String, String> partitionValues, String path, long size,
            String deletionVector) {
    }

    /** The live data files of a table's latest snapshot, and that snapshot's version. */
    public record TableFiles(long version, List<DataFile> files) {
    }

    /**
     * Lists the data files of the latest snapshot from the log alone (no data is read): which files
     * a reader of that version sees. Empty (version -1, no files) when there is no table at the path.
     */
    public TableFiles files(String tablePath) {
        Snapshot snapshot;
        try {
            snapshot = TableManager.loadSnapshot(tablePath).build(engine);
        } catch (TableNotFoundException e) {
            return new TableFiles(-1, List.of());
        }
        List<DataFile> out = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> files = snapshot.getScanBuilder().build().getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> fileRows = files.next().getRows()) {
                    while (fileRows.hasNext()) {
                        Row f = fileRows.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(f);
                        var dv = InternalScanFileUtils.getDeletionVectorDescriptorFromRow(f);
                        out.add(new DataFile(Collections.unmodifiableMap(new HashMap<>(
                                InternalScanFileUtils.getPartitionValues(f))),
                                status.getPath(), status.getSize(), dv == null ? null : dv.getUniqueId()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the files of Delta table " + tablePath, e);
        }
        return new TableFiles(snapshot.getVersion(), List.copyOf(out));
    }
}
