package io.shadow.features.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code docs/tables.md} is the schema the jobs write. */
class TableDocsTest {
    private static final Path DOC = Path.of("..", "docs", "tables.md");

    @Test
    void theTablesPageMatchesTheSchema() throws Exception {
        String expected = TableDocs.markdown();
        if (Boolean.getBoolean("shadow.writeTableDocs")) {
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(DOC)).as("docs/tables.md").isTrue();
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as("docs/tables.md is stale: regenerate it with mvn -pl feature-store test -Dtest=TableDocsTest "
                        + "-Dshadow.writeTableDocs=true")
                .isEqualTo(expected);
    }

    @Test
    void everyTableAndFeatureIsOnThePage() {
        String page = TableDocs.markdown();
        for (ShadowTable t : ShadowTable.values()) {
            assertThat(page).contains("## `" + t.relativePath() + "`");
            t.columns().forEach(c -> assertThat(page).contains("| `" + c.name() + "` |"));
        }
        assertThat(page).contains("| `bytes_out` | principal | sum | log | bytes sent to the principal |");
    }
}
