package io.shadow.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.ShadowRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code shadow.yaml} the demo leaves (and runs on): {@code serve} starts from it and the web UI
 * signs in with its operator token; every run has new random tokens, in a file only its owner reads.
 */
class DemoDataTest {
    @TempDir
    Path dir;

    private Path write(String name) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name));
        Path feed = Files.writeString(work.resolve("threat-feed.txt"), "203.0.113.7\n");
        return DemoData.writeConfig(work, feed);
    }

    private static Map<String, ShadowConfig.Token> tokens(Path config) {
        return ConfigLoader.load(config, Map.of(), List.of()).auth().tokens().stream()
                .collect(Collectors.toMap(ShadowConfig.Token::name, t -> t));
    }

    @Test
    void theConfigHoldsAnOperatorAnAgentAndAGatewayTokenEachRandomAndNewAtEveryRun() throws Exception {
        Map<String, ShadowConfig.Token> first = tokens(write("run-1"));
        Map<String, ShadowConfig.Token> second = tokens(write("run-2"));

        assertThat(first).containsOnlyKeys("demo-operator", "demo-agent", "demo-gateway");
        assertThat(first.values()).extracting(ShadowConfig.Token::name, ShadowConfig.Token::role,
                ShadowConfig.Token::principal, ShadowConfig.Token::tenant).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("demo-operator", "operator", null, null),
                        org.assertj.core.groups.Tuple.tuple("demo-agent", "agent", null, null),
                        org.assertj.core.groups.Tuple.tuple("demo-gateway", "gateway", null, null));
        List<String> secrets = new java.util.ArrayList<>();
        for (Map<String, ShadowConfig.Token> run : List.of(first, second)) {
            for (ShadowConfig.Token t : run.values()) {
                assertThat(t.token()).as(t.name()).hasSizeGreaterThanOrEqualTo(32).matches("[0-9a-f]+");
                secrets.add(t.token());
            }
        }
        assertThat(secrets).as("no secret is shared between tokens or runs").doesNotHaveDuplicates();
    }

    @Test
    void theConfigIsReadableByItsOwnerOnly() throws Exception {
        Path config = write("run");
        Assumptions.assumeTrue(config.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");

        // a second write into the same folder (the demo empties it first, but a file left over) stays private
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        DemoData.writeConfig(config.getParent(), config.getParent().resolve("threat-feed.txt"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
    }

    @Test
    void serveStartsFromTheConfigAndTheOperatorTokenSignsInToTheWebUi() throws Exception {
        Path config = write("run");
        ShadowConfig cfg = ConfigLoader.load(config, Map.of(), List.of());
        assertThat(cfg.server().host()).isEqualTo("127.0.0.1");
        assertThat(cfg.server().port()).as("the URL the demo prints").isEqualTo(8080);
        assertThat(Path.of(cfg.dataDir())).isEqualTo(config.getParent());

        // as serve does, on a free port
        try (ShadowRuntime rt = ShadowRuntime.start(ConfigLoader.load(config, Map.of(), List.of("server.port=0")))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ui = http.send(HttpRequest.newBuilder(URI.create(rt.baseUrl() + "/ui/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ui.statusCode()).isEqualTo(200);
            assertThat(ui.body()).contains("placeholder=\"API token\"");

            String operator = DemoData.token(cfg, DemoData.OPERATOR);
            assertThat(new ApiClient(rt.baseUrl(), operator).get("/v1/incidents").status()).isEqualTo(200);
            assertThat(new ApiClient(rt.baseUrl(), operator).get("/v1/profiles").status()).isEqualTo(200);
            assertThat(new ApiClient(rt.baseUrl(), "not-a-token-0123456789").get("/v1/incidents").status())
                    .isEqualTo(401);
            assertThat(new ApiClient(rt.baseUrl(), DemoData.token(cfg, DemoData.GATEWAY)).get("/v1/incidents")
                    .status()).as("the gateway token asks for decisions only").isEqualTo(403);
        }
    }
}
