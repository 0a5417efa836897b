package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTailerTest {
    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("audit.log");
    }

    private Path state() {
        return dir.resolve("state");
    }

    private JsonLinesTailer tailer() {
        return new JsonLinesTailer(log(), state(), "k8s-audit-0", 1000);
    }

    /** What the application does: keeps the log open and appends to it, wherever it was renamed to. */
    private OutputStream appender(Path file) throws IOException {
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> poll(JsonLinesTailer t) throws IOException {
        List<String> got = new ArrayList<>();
        int n = t.poll(got::addAll);
        assertThat(n).as("poll's count of lines handed over").isEqualTo(got.size());
        return got;
    }

    private static Object inode(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    @Test
    void newLinesAreHandedOverOnce() throws IOException {
        append(log(), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
            assertThat(poll(t)).isEmpty();

            append(log(), "{\"n\":4}\n\n{\"n\":5}\r\n");
            assertThat(poll(t)).containsExactly("{\"n\":4}", "{\"n\":5}");
            assertThat(poll(t)).isEmpty();
        }
    }

    @Test
    void aLogThatDoesNotExistYetIsPickedUpWhenCreated() throws IOException {
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).isEmpty();
            append(log(), "{\"n\":1}\n");
            assertThat(poll(t)).containsExactly("{\"n\":1}");
        }
    }

    @Test
    void aPartialLineWaitsForItsNewline() throws IOException {
        append(log(), "{\"n\":1}\n{\"n\":");
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("{\"n\":1}");
            assertThat(poll(t)).isEmpty();

            append(log(), "2,\"user\":\"zoë\"}\n{\"n\"");
            assertThat(poll(t)).containsExactly("{\"n\":2,\"user\":\"zoë\"}");

            append(log(), ":3}\n");
            assertThat(poll(t)).containsExactly("{\"n\":3}");
        }
    }

    @Test
    void aBigBacklogComesInBatchesOfAtMostTheLimit() throws IOException {
        append(log(), "a\nb\nc\nd\ne\n");
        try (JsonLinesTailer t = new JsonLinesTailer(log(), state(), "k8s-audit-0", 2)) {
            assertThat(poll(t)).containsExactly("a", "b");
            assertThat(poll(t)).containsExactly("c", "d");
            assertThat(poll(t)).containsExactly("e");
            assertThat(poll(t)).isEmpty();
        }
    }

    @Test
    void linesAreHandedOverAgainWhenTheHandlerFailed() throws IOException {
        append(log(), "a\nb\n");
        try (JsonLinesTailer t = tailer()) {
            assertThatThrownBy(() -> t.poll(lines -> {
                throw new IllegalStateException("spool full");
            })).hasMessage("spool full");

            assertThat(poll(t)).containsExactly("a", "b");
        }
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).as("after a restart").isEmpty();
        }
    }

    @Test
    void renameRotationFinishesTheOldFileThenReadsTheNewOne() throws IOException {
        try (OutputStream app = appender(log()); JsonLinesTailer t = tailer()) {
            write(app, "l1\nl2\nl3\n");
            assertThat(poll(t)).containsExactly("l1", "l2", "l3");

            write(app, "l4\nl5\n");
            Files.move(log(), dir.resolve("audit.log.1"));
            append(log(), "n1\nn2\n");
            write(app, "l6\n"); // the application had not reopened its log yet

            assertThat(poll(t)).containsExactly("l4", "l5", "l6", "n1", "n2");

            append(log(), "n3\n");
            assertThat(poll(t)).containsExactly("n3");
            assertThat(poll(t)).isEmpty();
        }
    }

    @Test
    void copyTruncateRestartsAtTheBeginningOfTheSameFile() throws IOException {
        append(log(), "{\"n\":1,\"pad\":\"xxxxxxxxxx\"}\n{\"n\":2,\"pad\":\"xxxxxxxxxx\"}\n");
        Object inode = inode(log());
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).hasSize(2);

            Files.copy(log(), dir.resolve("audit.log.1"));
            try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            append(log(), "{\"n\":3}\n");
            assertThat(inode(log())).isEqualTo(inode);

            assertThat(poll(t)).containsExactly("{\"n\":3}");
            append(log(), "{\"n\":4}\n");
            assertThat(poll(t)).containsExactly("{\"n\":4}");
        }
    }

    @Test
    void aRestartResumesAfterTheLastLineHandedOver() throws IOException {
        append(log(), "a\nb\nc\n");
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("a", "b", "c");
        }
        append(log(), "d\ne");

        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("d");
            append(log(), "\n");
            assertThat(poll(t)).containsExactly("e");
        }
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).isEmpty();
        }
    }

    @Test
    void aRotationWhileStoppedIsFoundAmongSiblingsAndFinishedFirst() throws IOException {
        try (OutputStream app = appender(log())) {
            write(app, "l1\nl2\n");
            try (JsonLinesTailer t = tailer()) {
                assertThat(poll(t)).containsExactly("l1", "l2");
            }

            // the agent is down: the application writes on, the log is rotated, both files grow
            write(app, "l3\n");
            Files.move(log(), dir.resolve("audit.log.1"));
            append(log(), "n1\n");
            write(app, "l4\n");
            append(log(), "n2\n");
        }

        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("l3", "l4", "n1", "n2");
            assertThat(poll(t)).isEmpty();
        }
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).as("after a second restart").isEmpty();
        }
    }

    @Test
    void aRotatedFileThatWasRemovedWhileStoppedMeansTheNewLogIsReadFromItsStart() throws IOException {
        append(log(), "l1\n");
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("l1");
        }
        Files.delete(log());
        append(log(), "n1\nn2\n");

        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("n1", "n2");
        }
    }

    @Test
    void aCopyTruncateWhileStoppedIsNoticedEvenWhenTheLogGrewPastTheOldOffset() throws IOException {
        append(log(), "{\"t\":\"10:00\"}\n");
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).hasSize(1);
        }
        try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(log(), "{\"t\":\"11:00\"}\n{\"t\":\"11:01\"}\n");

        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).containsExactly("{\"t\":\"11:00\"}", "{\"t\":\"11:01\"}");
        }
    }

    @Test
    void anUnreadableStateFileFailsNamingItAndTheFix() throws IOException {
        Files.createDirectories(state());
        Path stateFile = state().resolve("source-k8s-audit-0.state.json");
        Files.writeString(stateFile, "{\"file_key\": \"(dev=803,ino=12");

        assertThatThrownBy(this::tailer)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("source state " + stateFile + " is unreadable (")
                .hasMessageEndingWith("); delete it to re-read the source from the start (downstream de-duplicates)");
    }

    @Test
    void aCopytruncateFollowedAtOnceByMoreThanTheOldOffsetIsReadFromTheStart() throws IOException {
        append(log(), "{\"n\":\"C0\"}\n{\"n\":\"C1\"}\n{\"n\":\"C2\"}\n");
        try (JsonLinesTailer t = tailer()) {
            assertThat(poll(t)).hasSize(3);

            // cp audit.log audit.log.1; : > audit.log; then the application writes on before the next poll
            Files.copy(log(), dir.resolve("audit.log.1"));
            try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            StringBuilder d = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                d.append("{\"n\":\"D").append(i).append("\"}\n");
            }
            append(log(), d.toString());

            assertThat(poll(t)).containsExactly("{\"n\":\"D0\"}", "{\"n\":\"D1\"}", "{\"n\":\"D2\"}",
                    "{\"n\":\"D3\"}", "{\"n\":\"D4\"}", "{\"n\":\"D5\"}");
            assertThat(poll(t)).isEmpty();
        }
    }

    @Test
    void aLineLongerThanTheLimitIsSkippedWithoutHoldingItAndReportedWithItsOffsetAndLength() throws IOException {
        String huge = "{\"big\":\"" + "x".repeat(10_000);
        append(log(), "{\"n\":1}\n" + huge);
        List<String> lines = new ArrayList<>();
        List<JsonLinesTailer.Overlong> overlong = new ArrayList<>();
        JsonLinesTailer.Handler h = (l, o) -> {
            lines.addAll(l);
            overlong.addAll(o);
        };
        try (JsonLinesTailer t = new JsonLinesTailer(log(), state(), "k8s-audit-0", 1000, 4096)) {
            assertThat(t.poll(h)).isEqualTo(1);
            assertThat(lines).containsExactly("{\"n\":1}");
            assertThat(overlong).as("its newline has not come yet").isEmpty();

            append(log(), "x".repeat(5_000) + "\"}\n{\"n\":2}\n");
            assertThat(t.poll(h)).isEqualTo(2);
            assertThat(lines).containsExactly("{\"n\":1}", "{\"n\":2}");
            assertThat(overlong).singleElement().satisfies(o -> {
                assertThat(o.offset()).isEqualTo(8);
                assertThat(o.length()).isEqualTo(huge.length() + 5_002);
                assertThat(o.head()).isEqualTo(huge.substring(0, 1024));
            });
            assertThat(t.poll(h)).isZero();
        }
        try (JsonLinesTailer t = new JsonLinesTailer(log(), state(), "k8s-audit-0", 1000, 4096)) {
            assertThat(t.poll(h)).as("after a restart").isZero();
        }
    }
}
