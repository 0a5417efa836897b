package io.shadow.cli.demo;

import io.shadow.agents.simulate.ScenarioLabels;
import io.shadow.agents.simulate.Workload;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.features.files.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * What the demo leaves in its data directory for later use ({@code serve}, backtests, notebooks): the
 * live phase's scenario labels, and a {@code shadow.yaml} that points every command at the tables,
 * registry, store and threat feed there and holds the demo's API tokens, so that {@code serve} opens
 * the web UI on the demo's incidents. The demo itself runs on that file. The tokens are random and new
 * at every run (no well-known secret, as {@code serve} may be made to listen beyond this host); the
 * file is its owner's only (0600) where the file system has POSIX permissions.
 */
final class DemoData {
    static final String CONFIG = "shadow.yaml";
    /** Where {@code serve --config shadow.yaml} listens, as the file says. */
    static final String HOST = "127.0.0.1";
    static final int PORT = 8080;

    /** The demo's tokens: name, role, what it is for (a comment in the file). */
    record DemoToken(String name, String role, String use) {
    }

    /** The operator signs in to the web UI and decides; the agent ships events; the gateway asks for decisions. */
    static final DemoToken OPERATOR = new DemoToken("demo-operator", "operator",
            "sign in to the web UI (/ui/) and decide through the API");
    static final DemoToken AGENT = new DemoToken("demo-agent", "agent", "the demo's agent: sends events");
    static final DemoToken GATEWAY = new DemoToken("demo-gateway", "gateway", "gateway decisions (GET /v1/decision)");
    static final List<DemoToken> TOKENS = List.of(OPERATOR, AGENT, GATEWAY);

    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoData() {
    }

    /** Writes the labels; returns the labels file. */
    static Path write(Path work, Workload w) throws IOException {
        Path labels = work.resolve(ScenarioLabels.FILE);
        ScenarioLabels.of(w).write(labels);
        return labels;
    }

    /**
     * Writes {@value #CONFIG} into {@code work} with a fresh random token for each of {@link #TOKENS};
     * returns the file. Created owner-only before the secrets go in.
     */
    static Path writeConfig(Path work, Path threatFeed) throws IOException {
        StringBuilder yaml = new StringBuilder()
                .append("# written by bin/shadow demo: the demo's data, for serve, backtest, nightly and notebooks.\n")
                .append("# The tokens are random and new at every demo run; keep this file to yourself.\n")
                .append("# serve listens on ").append(HOST).append(" only: give it tokens of your own before it\n")
                .append("# listens beyond this host.\n")
                .append("data-dir: ").append(quote(work)).append('\n')
                .append("server:\n  host: ").append(HOST).append("\n  port: ").append(PORT).append('\n')
                .append("intel:\n  feeds: [").append(quote(threatFeed)).append("]\n")
                .append("# the demo replays a day of activity in about a minute, so its emergency budget is a day's\n")
                .append("# (the default is 5 emergency mitigations per tenant in 10 minutes of the clock)\n")
                .append("mitigation:\n  emergency:\n    limit: 20\n")
                .append("auth:\n  tokens:\n");
        for (DemoToken t : TOKENS) {
            yaml.append("    - {name: ").append(t.name()).append(", token: \"").append(secret()).append("\", role: ")
                    .append(t.role()).append("}  # ").append(t.use()).append('\n');
        }
        Path file = work.resolve(CONFIG);
        Files.deleteIfExists(file);
        OwnerOnly.createFile(file); // it holds the demo's tokens
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** The secret of the demo's token {@code t} in {@code cfg}. */
    static String token(ShadowConfig cfg, DemoToken t) {
        return cfg.auth().tokens().stream().filter(x -> x.name().equals(t.name())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no auth.tokens[" + t.name() + "] in the demo's config"))
                .token();
    }

    /** 48 hex digits (192 bits) from a {@link SecureRandom}. */
    private static String secret() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String quote(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
