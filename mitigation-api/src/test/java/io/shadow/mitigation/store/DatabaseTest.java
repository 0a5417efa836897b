package io.shadow.mitigation.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the embedded store where it cannot be: one error naming the folder, nothing printed. */
class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void anH2StoreUnderAFileIsRefusedBeforeH2PrintsItsTraces() throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        String url = Database.h2Url(file.resolve("store"));
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> Database.open(url, "sa", ""))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot create the folder " + file.resolve("store")
                            + " of the mitigation store at " + url + " (")
                    .hasMessageEndingWith("); check store.jdbc-url, or data-dir when store.jdbc-url is empty");
        } finally {
            System.setErr(original);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("org.h2");
    }
}
