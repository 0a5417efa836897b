package io.shadow.agents.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.agents.capture.ProcFs;
import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow's own processes on the agent's host are never signalled, whatever a command selects: a JVM
 * running Shadow's CLI (as {@code bin/shadow serve} starts it) and whatever listens on a Shadow
 * endpoint the agent uses. The agent acknowledges such a command as refused, saying why, and
 * Shadow's audit log has it. Real JVMs, never signalled by the tests (selection only, or refused).
 */
class SparedProcessesTest {
    private static final String HOST = "ws-test";
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();
    private ShadowApi api;

    @BeforeEach
    void start() throws Exception {
        api = new ShadowApi(dir.resolve("store"), HOST);
    }

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
        api.close();
    }

    /** A JVM running a class named as Shadow's CLI, started the way bin/shadow starts {@code serve}. */
    private Process shadowServe() throws Exception {
        Path src = dir.resolve("src/io/shadow/cli/Main.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package io.shadow.cli; public class Main { public static void main(String[] a) "
                + "throws Exception { Thread.sleep(300_000); } }");
        Path classes = dir.resolve("classes");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.toString())).isZero();
        Process p = new ProcessBuilder(JAVA, "-Xmx32m", "-cp", classes.toString(), "io.shadow.cli.Main", "serve")
                .start();
        started.add(p);
        return p;
    }

    /** A JVM listening on a loopback port (returned once it listens), standing for Shadow's API or scorer. */
    private int listener() throws Exception {
        Path src = dir.resolve("Listen.java");
        Files.writeString(src, """
                public class Listen {
                    public static void main(String[] args) throws Exception {
                        var s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                        System.out.println(s.getLocalPort());
                        Thread.sleep(300_000);
                    }
                }
                """);
        Process p = new ProcessBuilder(JAVA, "-Xmx32m", src.toString()).start();
        started.add(p);
        return Integer.parseInt(new BufferedReader(new InputStreamReader(p.getInputStream())).readLine().trim());
    }

    @Test
    void anAnomalyOnShadowsServerIsRefusedByTheAgentAndTheRefusalReported() throws Exception {
        Process serve = shadowServe();
        ProcessRef ref = new ProcessRef(serve.pid(), ProcFs.startTicks(serve.pid()).orElseThrow());
        CommandExecutor agent = new CommandExecutor(api.base(), ShadowApi.AGENT_TOKEN, ShadowApi.TENANT, HOST,
                HttpClient.newHttpClient(), new ProcessControl(), null, new CommandJournal(dir.resolve("journal")));

        // an executable nothing runs: were the pid ignored, a selector by executable would hit no other JVM
        api.anomaly(HOST, 60, ResourceType.PROCESS, dir.resolve("no-such-java").toString(), ref);
        List<CommandExecutor.Result> done = agent.pollOnce();

        String why = "refused, nothing was suspended: pid " + serve.pid() + " is Shadow's own process (java "
                + "io.shadow.cli.Main serve)";
        assertThat(done).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.detail()).isEqualTo(why);
        });
        Thread.sleep(200);
        assertThat(ProcessControl.state(serve.pid())).as("not stopped").isPresent().get().isNotEqualTo('T');
        assertThat(api.service.store().auditLog(null)).filteredOn(e -> e.action().equals("agent.command_failed"))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains(why));
    }

    @Test
    void whatListensOnAShadowEndpointOfThisHostIsNeverSignalled() throws Exception {
        int port = listener();
        long pid = started.get(0).pid();
        String endpoint = "http://localhost:" + port;
        ProcessControl control = new ProcessControl(List.of(URI.create(endpoint)));

        ProcessControl.Selection s = control.select(Map.of("pid", Long.toString(pid)));
        CommandExecutor.Result kill = new CommandExecutor(api.base(), ShadowApi.AGENT_TOKEN, ShadowApi.TENANT, HOST,
                HttpClient.newHttpClient(), control, null, new CommandJournal(dir.resolve("journal")))
                .execute("cmd-1", "kill_process", Map.of("pid", Long.toString(pid)));

        assertThat(s.pids()).isEmpty();
        assertThat(s.spared()).containsExactly("pid " + pid + " serves Shadow at " + endpoint);
        assertThat(kill.ok()).isFalse();
        assertThat(kill.detail()).isEqualTo("refused, nothing was killed: pid " + pid + " serves Shadow at "
                + endpoint);
        assertThat(started.get(0).isAlive()).isTrue();
        assertThat(new ProcessControl().select(Map.of("pid", Long.toString(pid))).pids())
                .as("not Shadow's when the agent does not use that endpoint").containsExactly(pid);
    }

    @Test
    void everyProcessOfTheJavaExecutableLeavesOutShadowsOwn() throws Exception {
        Process serve = shadowServe();
        Thread.sleep(300);
        long self = ProcessHandle.current().pid();

        // selection only: other JVMs of this machine are among the pids, and are not signalled here
        ProcessControl.Selection s = new ProcessControl().select(Map.of("exe", JAVA));

        assertThat(s.pids()).doesNotContain(serve.pid(), self);
        assertThat(s.spared()).contains("pid " + serve.pid() + " is Shadow's own process (java io.shadow.cli.Main "
                + "serve)", "pid " + self + " is this agent or one of its parent processes");
    }

    @Test
    void aProcessThatOnlyCallsItselfShadowOnItsCommandLineIsNotSpared() throws Exception {
        // `exec -a java cat io.shadow.cli.Main`: argv reads "java io.shadow.cli.Main", the executable is cat
        // (blocked opening a FIFO of that name, so it stays up without reading anything)
        Path fifo = dir.resolve("io.shadow.cli.Main");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Process fake = new ProcessBuilder("bash", "-c", "exec -a java cat io.shadow.cli.Main").directory(dir.toFile())
                .start();
        started.add(fake);
        // bash reads as "bash -c ..." until it has exec'd cat, which on a loaded machine may take a while
        Path cmdline = Path.of("/proc", Long.toString(fake.pid()), "cmdline");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(cmdline).replace('\0', ' ').trim().equals("java io.shadow.cli.Main")
                && fake.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(cmdline).replace('\0', ' ').trim()).isEqualTo("java io.shadow.cli.Main");

        assertThat(ShadowProcesses.shadowMain(fake.pid())).as("its executable is not a Java runtime").isEmpty();
        Process serve = shadowServe();
        Thread.sleep(300);
        assertThat(ShadowProcesses.shadowMain(serve.pid())).contains("java io.shadow.cli.Main serve");
    }
}
