package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.shadow.model.registry.LocalModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schemathesis (property-based API testing, run as a process) against the scorer's
 * {@code /openapi.json}: generated valid and invalid requests to every operation must never get
 * a server error, and every answer must match the document (status, content type, schema).
 */
class ScorerSchemathesisIT {
    @TempDir
    Path dir;

    @Test
    void schemathesisFindsNoServerErrorAndNoAnswerOutsideTheDocument() throws Exception {
        String python = System.getenv("SHADOW_TEST_PYTHON");
        if (python == null || python.isBlank()) {
            fail("SHADOW_TEST_PYTHON is not set: run the tests with bin/test, or eval \"$(bin/test-services start)\" "
                    + "first (it creates the Python venv with schemathesis and prints the variable)");
        }
        Path st = Path.of(python).resolveSibling("st");
        assertThat(st).as("schemathesis' 'st' next to %s; reinstall with bin/test-services start", python)
                .isExecutable();
        try (TestServer server = new TestServer(new LocalModelRegistry(dir.resolve("registry")),
                TestServer.baselines(1), ScorerSettings.defaults(), 1 << 20)) {
            Path log = dir.resolve("schemathesis.log");
            // one worker: two threads sometimes hit CPython 3.11's AST recursion-depth race (gh-106905), as in
            // mitigation-api's SchemathesisIT
            Process p = new ProcessBuilder(List.of(st.toString(), "run", server.uri("/openapi.json").toString(),
                    "--header", "Authorization: Bearer " + TestServer.ADMIN,
                    "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                            + "response_schema_conformance,response_headers_conformance",
                    "--max-examples", "100", "--seed", "8", "--workers", "1", "--no-color",
                    "--report-dir", dir.resolve("report").toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(8, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            assertThat(done).as("schemathesis finished within 8 minutes:%n%s", tail(out)).isTrue();
            assertThat(p.exitValue()).as("schemathesis found problems:%n%s", tail(out)).isZero();
            assertThat(out).as(tail(out)).containsPattern("Operations: +6 selected / 6 total")
                    .containsPattern("Tested: +6").contains("No issues found");
        }
    }

    private static String tail(String s) {
        return s.length() <= 12_000 ? s : "…" + s.substring(s.length() - 12_000);
    }
}
