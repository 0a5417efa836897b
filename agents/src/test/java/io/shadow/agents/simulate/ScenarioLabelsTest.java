package io.shadow.agents.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLabelsTest {
    @Test
    void theGroundTruthOfAWorkloadSurvivesItsFile(@TempDir Path dir) {
        Workload w = WorkloadGenerator.generate(WorkloadConfig.defaults());
        Path file = dir.resolve(ScenarioLabels.FILE);
        ScenarioLabels.of(w).write(file);

        ScenarioLabels read = ScenarioLabels.read(file);
        assertThat(read).isEqualTo(ScenarioLabels.of(w));
        assertThat(read.attacks()).hasSize(w.attacks().size()).isNotEmpty();
        assertThat(read.covers(w.config().liveStart())).isTrue();
        assertThat(read.covers(w.config().liveEnd())).isFalse();
    }

    @Test
    void aBrokenEntityNamesTheFileAndTheForm(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("labels.json");
        Files.writeString(file, "{\"tenant\": \"acme\", \"from\": \"2026-11-09T00:00:00Z\", \"to\": "
                + "\"2026-11-10T00:00:00Z\", \"attacks\": [], \"benign\": [{\"name\": \"x\", \"entity\": \"u-1\", "
                + "\"start\": \"2026-11-09T01:00:00Z\", \"end\": \"2026-11-09T02:00:00Z\"}]}");
        assertThatThrownBy(() -> ScenarioLabels.read(file))
                .hasMessage(file + ": entity 'u-1' must read kind:id, e.g. principal:u-1");
    }
}
