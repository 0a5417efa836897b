package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The notebooks are committed without outputs, each with a papermill {@code parameters} cell. */
class NotebooksStrippedTest {
    @Test
    void everyNotebookIsStrippedAndParameterised() throws Exception {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(Path.of("..", "notebooks"))) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).toList();
        }
        assertThat(notebooks).hasSizeGreaterThanOrEqualTo(3);
        for (Path nb : notebooks) {
            JsonNode root = new ObjectMapper().readTree(nb.toFile());
            boolean parameters = false;
            for (JsonNode cell : root.path("cells")) {
                if (cell.path("cell_type").asText().equals("code")) {
                    assertThat(cell.path("outputs")).as(nb + ": outputs stripped").isEmpty();
                    assertThat(cell.path("execution_count").isNull()).as(nb + ": execution count cleared").isTrue();
                }
                for (JsonNode tag : cell.path("metadata").path("tags")) {
                    parameters |= tag.asText().equals("parameters");
                }
            }
            assertThat(parameters).as(nb + " has a cell tagged parameters").isTrue();
        }
    }
}
