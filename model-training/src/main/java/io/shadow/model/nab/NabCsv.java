package io.shadow.model.nab;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** NAB's CSV files (data and results): a header line, then comma-separated rows; blank lines are skipped. */
final class NabCsv {
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private NabCsv() {
    }

    /** One row: its cells, the line as written and its 1-based number (the header is line 1). */
    @FunctionalInterface
    interface Row {
        void accept(String[] cells, String line, int lineNo);
    }

    /** Hands the header's column names to {@code header}, then every row to {@code row}. */
    static void read(Path file, String what, Consumer<List<String>> header, Row row) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first != null && first.startsWith(BYTE_ORDER_MARK)) {
                first = first.substring(1); // spreadsheets save UTF-8 with a byte-order mark
            }
            header.accept(first == null ? List.of() : Arrays.asList(first.trim().split(",", -1)));
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (!line.isBlank()) {
                    row.accept(line.split(",", -1), line, lineNo);
                }
            }
        } catch (CharacterCodingException e) {
            throw new NabException(what + " " + file + " is not UTF-8 text; expected a CSV file", e);
        } catch (IOException e) {
            throw new NabException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** The cell as a finite number, or NaN when it is not one (an infinity or an overflow is not a measurement). */
    static double number(String cell) {
        try {
            double v = Double.parseDouble(cell.trim());
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
