package io.shadow.model.nab;

import static io.shadow.model.nab.NabFixtures.windowsJson;
import static io.shadow.model.nab.NabFixtures.writeData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabRunnerTest {
    @TempDir
    Path dir;

    private Path corpus() throws IOException {
        double[] flat = new double[300];
        double[] jump = new double[300];
        for (int i = 0; i < 300; i++) {
            flat[i] = 10 + (i % 7) * 0.1;
            jump[i] = i < 250 ? 5 + (i % 5) * 0.2 : 50;
        }
        Path data = dir.resolve("nab/data");
        writeData(data.resolve("realThings/flat.csv"), flat);
        writeData(data.resolve("artificialJumps/jump.csv"), jump);
        return data;
    }

    @Test
    void writesNabsResultsLayoutForEveryCategoryFound() throws IOException {
        Path data = corpus();
        Files.writeString(dir.resolve("nab/windows.json"), windowsJson("realThings/flat.csv", new int[] {},
                "artificialJumps/jump.csv", new int[] {245, 260}));

        NabRunner.Run run = NabRunner.run(data, dir.resolve("out"), "shadow");

        assertThat(run.files()).isEqualTo(2);
        assertThat(run.rows()).isEqualTo(600);
        assertThat(run.labelled()).isTrue();
        Path jump = dir.resolve("out/shadow/artificialJumps/shadow_jump.csv");
        Path flat = dir.resolve("out/shadow/realThings/shadow_flat.csv");
        assertThat(jump).exists();
        assertThat(flat).exists();
        List<String> lines = Files.readAllLines(jump);
        assertThat(lines).hasSize(301);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
        assertThat(lines.get(1)).startsWith("2014-04-01 00:00:00,5.0,").endsWith(",0");
        assertThat(lines.get(246)).endsWith(",1");
        assertThat(lines.get(262)).endsWith(",0");
        for (String l : lines.subList(1, lines.size())) {
            double score = Double.parseDouble(l.split(",")[2]);
            assertThat(score).isBetween(0.0, 1.0);
        }
        // the jump to 50 is far beyond everything seen before: detected at once
        assertThat(Double.parseDouble(lines.get(251).split(",")[2])).isEqualTo(1.0);
    }

    @Test
    void aCloneOfTheNabRepositoryIsLabelledFromItsCombinedWindows() throws IOException {
        Path data = corpus();
        Path combined = dir.resolve("nab/labels/combined_windows.json");
        Files.createDirectories(combined.getParent());
        Files.writeString(combined, windowsJson("realThings/flat.csv", new int[] {},
                "artificialJumps/jump.csv", new int[] {245, 260}));

        NabRunner.Run run = NabRunner.run(data, dir.resolve("out"), "shadow");

        assertThat(run.windows()).isEqualTo(combined);
        List<String> lines = Files.readAllLines(dir.resolve("out/shadow/artificialJumps/shadow_jump.csv"));
        assertThat(lines.get(245)).endsWith(",0");
        assertThat(lines.subList(246, 262)).allMatch(l -> l.endsWith(",1"));
        assertThat(lines.get(262)).endsWith(",0");
    }

    @Test
    void windowsJsonBesideTheDataComesBeforeNabsCombinedWindows() throws IOException {
        Path data = corpus();
        Files.createDirectories(dir.resolve("nab/labels"));
        Files.writeString(dir.resolve("nab/labels/combined_windows.json"), "not read");
        Files.writeString(dir.resolve("nab/windows.json"), windowsJson("artificialJumps/jump.csv", new int[] {}));

        NabRunner.Run run = NabRunner.run(data, dir.resolve("out"), "shadow");

        assertThat(run.windows()).isEqualTo(dir.resolve("nab/windows.json"));
        assertThat(Files.readAllLines(dir.resolve("out/shadow/artificialJumps/shadow_jump.csv")).subList(1, 301))
                .allMatch(l -> l.endsWith(",0"));
    }

    @Test
    void withoutWindowsNextToTheDataEveryLabelIsZero() throws IOException {
        Path data = corpus();
        NabRunner.Run run = NabRunner.run(data, dir.resolve("out"), "shadow");
        assertThat(run.labelled()).isFalse();
        assertThat(Files.readAllLines(dir.resolve("out/shadow/artificialJumps/shadow_jump.csv")).subList(1, 301))
                .allMatch(l -> l.endsWith(",0"));
    }

    @Test
    void aMissingDataFolderSaysWhatToPass() {
        assertThatThrownBy(() -> NabRunner.run(dir.resolve("nope"), dir.resolve("out"), "shadow"))
                .isInstanceOf(NabException.class)
                .hasMessage("NAB data folder " + dir.resolve("nope") + " does not exist; pass --data pointing at a"
                        + " folder with <category>/<name>.csv files (like NAB's data/)");
    }

    @Test
    void anUnknownDetectorListsTheKnownOnes() throws IOException {
        Path data = corpus();
        assertThatThrownBy(() -> NabRunner.run(data, dir.resolve("out"), "htm"))
                .hasMessage("unknown detector 'htm'; use one of [null, shadow]");
    }

    @Test
    void aMalformedDataLineNamesFileAndLine() throws IOException {
        Path data = corpus();
        Path bad = data.resolve("realThings/flat.csv");
        Files.writeString(bad, "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,x\n");
        assertThatThrownBy(() -> NabRunner.run(data, dir.resolve("out"), "shadow"))
                .hasMessage(bad + " line 3: expected 'YYYY-MM-DD HH:MM:SS,number' (a finite number), found"
                        + " '2014-04-01 00:05:00,x'");
    }

    @Test
    void anInfiniteOrOverflowingValueIsRefusedLikeAnyOtherNonNumber() throws IOException {
        Path data = corpus();
        Path bad = data.resolve("realThings/flat.csv");
        for (String v : List.of("Infinity", "1e400", "NaN")) {
            Files.writeString(bad, "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00," + v + "\n");
            assertThatThrownBy(() -> NabRunner.run(data, dir.resolve("out"), "shadow"))
                    .hasMessageStartingWith(bad + " line 3: expected");
        }
    }

    @Test
    void aHeaderWithAByteOrderMarkIsRead() throws IOException {
        Path data = corpus();
        Path bom = data.resolve("realThings/flat.csv");
        Files.writeString(bom, "\uFEFFtimestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,2\n");

        assertThat(NabRunner.run(data, dir.resolve("out"), "shadow").files()).isEqualTo(2);
    }

    @Test
    void aFileThatIsNotTextSaysSo() throws IOException {
        Path data = corpus();
        Path binary = data.resolve("realThings/flat.csv");
        Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0, 1, 2});

        assertThatThrownBy(() -> NabRunner.run(data, dir.resolve("out"), "shadow"))
                .hasMessage("NAB data file " + binary + " is not UTF-8 text; expected a CSV file");
    }

    @Test
    void aDataFolderThatIsAFileSaysWhatToPass() throws IOException {
        Path file = Files.writeString(dir.resolve("data.csv"), "timestamp,value\n");

        assertThatThrownBy(() -> NabRunner.run(file, dir.resolve("out"), "shadow"))
                .hasMessageStartingWith("NAB data folder " + file + " is a file; pass --data pointing at the folder");
    }

    @Test
    void aSecondRunReplacesTheFirstRunsResultsAndLeavesOtherFilesAlone() throws IOException {
        Path data = corpus();
        Path out = dir.resolve("out");
        NabRunner.run(data, out, "shadow");
        Path notes = Files.writeString(out.resolve("shadow/realThings/notes.txt"), "mine");
        // the second run sees only one of the two files
        Files.delete(data.resolve("realThings/flat.csv"));

        NabRunner.Run second = NabRunner.run(data, out, "shadow");

        assertThat(second.replaced()).isEqualTo(2);
        assertThat(out.resolve("shadow/realThings/shadow_flat.csv")).doesNotExist();
        assertThat(out.resolve("shadow/artificialJumps/shadow_jump.csv")).exists();
        assertThat(notes).hasContent("mine");
    }
}
