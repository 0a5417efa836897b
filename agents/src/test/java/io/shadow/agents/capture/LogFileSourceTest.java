package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileSourceTest {
    @TempDir
    Path tmp;

    private static List<String> poll(LogFileSource source) throws IOException {
        List<String> lines = new ArrayList<>();
        int n = source.poll(lines::addAll);
        assertThat(n).isEqualTo(lines.size());
        return lines;
    }

    private static long rejections(List<String> lines) {
        return lines.stream().filter(l -> l.contains(EventCodec.REJECTED)).count();
    }

    @Test
    void aKubernetesAuditLogShipsFinalStagesAndRejectionsButNotEarlierStages() throws IOException {
        Path log = Files.copy(Fixtures.path(Fixtures.K8S_AUDIT), tmp.resolve("audit.log"));
        try (LogFileSource source = LogFileSource.kubernetesAudit("k8s-audit-0", log, tmp.resolve("state"), "acme")) {
            List<String> lines = poll(source);

            assertThat(lines).hasSize(5);
            assertThat(rejections(lines)).isEqualTo(1);
            assertThat(source.rejected()).isEqualTo(1);
            assertThat(lines.stream().filter(l -> !l.contains(EventCodec.REJECTED)).map(EventCodec::parse))
                    .extracting(e -> e.operation())
                    .containsExactly("create clusterrolebindings", "delete secrets", "list secrets", "create pods/exec");
            assertThat(poll(source)).isEmpty();
        }
        try (LogFileSource source = LogFileSource.kubernetesAudit("k8s-audit-0", log, tmp.resolve("state"), "acme")) {
            assertThat(poll(source)).as("after a restart").isEmpty();
        }
    }

    @Test
    void aCloudTrailLogShipsAsItGrows() throws IOException {
        List<String> records = Fixtures.lines(Fixtures.CLOUDTRAIL_LINES);
        Path log = tmp.resolve("cloudtrail.jsonl");
        Files.writeString(log, records.get(0) + "\n" + records.get(1) + "\n");
        try (LogFileSource source = LogFileSource.cloudTrailLines("ct-0", log, tmp.resolve("state"), null)) {
            assertThat(poll(source)).extracting(l -> EventCodec.parse(l).eventId())
                    .containsExactly("11111111-2222-4333-8444-555555555555", "22222222-3333-4444-8555-666666666666");

            Files.writeString(log, String.join("\n", records.subList(2, 6)) + "\n", StandardOpenOption.APPEND);
            List<String> more = poll(source);

            assertThat(more).hasSize(4);
            assertThat(rejections(more)).isEqualTo(3);
            assertThat(source.rejected()).isEqualTo(3);
        }
    }
}
