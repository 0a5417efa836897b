package io.shadow.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent-only install of docs/agent.md: {@code bin/} and {@code agents/target/} (its jar and lib/)
 * copied to a host and run with {@code SHADOW_NO_BUILD=1}, no CLI jar and no Maven there.
 */
class AgentOnlyInstallIT {
    @TempDir
    Path host;

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private String run(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(host.resolve("bin/shadow").toString()));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SHADOW_NO_BUILD", "1");
        pb.environment().put("MVN", "/nonexistent/mvn"); // no build may be tried
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }

    @Test
    void binAndTheAgentsJarsAreEnoughToRunTheAgent() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        copyTree(repo.resolve("bin"), host.resolve("bin"));
        Files.createDirectories(host.resolve("agents/target"));
        Files.copy(repo.resolve("agents/target/shadow-agents.jar"), host.resolve("agents/target/shadow-agents.jar"));
        copyTree(repo.resolve("agents/target/lib"), host.resolve("agents/target/lib"));

        assertThat(run("agent", "--help")).startsWith("0:Usage: bin/shadow agent");
        assertThat(run("demo")).as("other commands need the whole tree").startsWith("1:error: SHADOW_NO_BUILD=1 but "
                + "Shadow is not built in " + host);
    }
}
