package io.shadow.agents.act;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent carries out its own host's commands only (a security review's finding: it ran whatever the answer
 * held). Shadow hands an agent nothing else, so a command for another host or tenant is a server's bug or a
 * careless impostor's: it is acknowledged as not carried out, and the process it names lives on. (An impostor
 * that echoes the agent's own host and tenant is kept out by TLS to {@code actions.url}, not by this check.)
 */
class MisaddressedCommandTest {
    private static final String HOST = "web-1";
    @TempDir
    Path dir;
    private HttpServer impostor;
    private Process victim;
    private final List<String> acks = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (impostor != null) {
            impostor.stop(0);
        }
        if (victim != null) {
            victim.destroyForcibly();
        }
    }

    /** Answers every poll with {@code commands}, and keeps the acknowledgements. */
    private URI impostorAnswering(String commands) throws Exception {
        impostor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        impostor.createContext("/", ex -> {
            byte[] body = ex.getRequestMethod().equals("GET") ? commands.getBytes(StandardCharsets.UTF_8)
                    : "{}".getBytes(StandardCharsets.UTF_8);
            if (ex.getRequestMethod().equals("POST")) {
                acks.add(ex.getRequestURI().getPath() + " " + new String(ex.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        impostor.start();
        return URI.create("http://127.0.0.1:" + impostor.getAddress().getPort());
    }

    private CommandExecutor agent(URI base) {
        return new CommandExecutor(base, "agent-token-0123456789abcdef", "acme", HOST, HttpClient.newHttpClient(),
                new ProcessControl(), null, new CommandJournal(dir.resolve("journal.jsonl")));
    }

    @Test
    void aKillForAnotherHostOrTenantOrNoHostIsNotCarriedOutAndSaidSo() throws Exception {
        Path exe = dir.resolve("shadow-victim-" + System.nanoTime());
        Files.copy(Path.of("/bin/sleep"), exe, StandardCopyOption.COPY_ATTRIBUTES);
        victim = new ProcessBuilder(exe.toString(), "300").start();
        String kill = "\"action\": \"kill_process\", \"params\": {\"exe\": \"" + exe + "\", \"pid\": \"" + victim.pid()
                + "\"}, \"status\": \"pending\"";
        URI base = impostorAnswering("[{\"id\": \"cmd-1\", \"tenant\": \"acme\", \"host\": \"db-9\", " + kill + "},"
                + "{\"id\": \"cmd-2\", \"tenant\": \"globex\", \"host\": \"" + HOST + "\", " + kill + "},"
                + "{\"id\": \"cmd-3\", " + kill + "},"
                + "{\"id\": \"cmd-4\", \"host\": \"" + HOST + "\", " + kill + "}]");

        List<CommandExecutor.Result> done = agent(base).pollOnce();

        assertThat(done).extracting(CommandExecutor.Result::ok).containsOnly(false);
        assertThat(done).extracting(CommandExecutor.Result::detail).containsExactly(
                "not carried out: the command is addressed to host 'db-9', and this agent acts for host 'web-1' only",
                "not carried out: the command is of tenant 'globex', and this agent acts for tenant 'acme' only",
                "not carried out: the command is addressed to no host, and this agent acts for host 'web-1' only",
                "not carried out: the command is of no tenant, and this agent acts for tenant 'acme' only");
        assertThat(victim.isAlive()).as("the process the commands name lives on").isTrue();
        assertThat(acks).as("each acknowledged as not carried out").hasSize(4)
                .allSatisfy(a -> assertThat(a).contains("\"ok\":false"));
    }
}
