package io.shadow.agents.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.engine.Decisions;
import io.shadow.mitigation.engine.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host isolation for real: a network namespace stands for the host, joined to this machine by a
 * veth pair. After the agent executes isolate_host (nftables inside the namespace), the host
 * reaches only Shadow's address:port; after the mitigation is rejected, everything again.
 * Needs root (CAP_NET_ADMIN), iproute2 and nft (SHADOW_TEST_NFT, from bin/test-services).
 */
class HostIsolationIT {
    private static final String HOST = "ws-isolated";
    @TempDir
    Path dir;
    private final int net = ThreadLocalRandom.current().nextInt(1, 250);
    private final String ns = "shadow-it-" + net + "-" + ProcessHandle.current().pid();
    private final String hostIp = "10.231." + net + ".1";
    private final List<ServerSocket> servers = new ArrayList<>();
    private ShadowApi api;
    private String nft;

    @BeforeEach
    void setUp() throws Exception {
        nft = System.getenv("SHADOW_TEST_NFT");
        if (nft == null || nft.isBlank()) {
            throw new IllegalStateException("SHADOW_TEST_NFT is not set: host isolation needs nftables. Run bin/test, "
                    + "or eval \"$(bin/test-services start)\" in the shell that runs mvn");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("host isolation needs root (CAP_NET_ADMIN) to create a network "
                    + "namespace; run the tests as root, or skip this test with -Dit.test='!HostIsolationIT'");
        }
        String vh = "vh" + net + "x" + (ProcessHandle.current().pid() % 10000);
        String vn = "vn" + net + "x" + (ProcessHandle.current().pid() % 10000);
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", vh, "type", "veth", "peer", "name", vn);
        sh("ip", "link", "set", vn, "netns", ns);
        sh("ip", "addr", "add", hostIp + "/30", "dev", vh);
        sh("ip", "link", "set", vh, "up");
        sh("ip", "netns", "exec", ns, "ip", "addr", "add", "10.231." + net + ".2/30", "dev", vn);
        sh("ip", "netns", "exec", ns, "ip", "link", "set", vn, "up");
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        api = new ShadowApi(dir.resolve("store"), HOST);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ServerSocket s : servers) {
            s.close();
        }
        if (api != null) {
            api.close();
        }
        new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
    }

    /** A TCP service on this machine's side of the link that accepts and closes connections. */
    private int listen() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(hostIp));
        servers.add(s);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write('k');
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return s.getLocalPort();
    }

    /** Whether the namespaced host can open a TCP connection to this machine's port. */
    private boolean hostReaches(int port) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + hostIp + "/" + port).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void anIsolatedHostReachesOnlyShadowUntilTheMitigationIsRejected() throws Exception {
        int shadowPort = listen();
        int otherPort = listen();
        assertThat(hostReaches(shadowPort)).isTrue();
        assertThat(hostReaches(otherPort)).isTrue();
        HostIsolation isolation = new HostIsolation(nft, ns, List.of(hostIp + ":" + shadowPort));
        CommandExecutor agent = new CommandExecutor(api.base(), ShadowApi.AGENT_TOKEN, ShadowApi.TENANT, HOST,
                HttpClient.newHttpClient(), new ProcessControl(), isolation, new CommandJournal(dir.resolve("journal.jsonl")));

        Outcome o = api.anomaly(HOST, 60, ResourceType.COMPUTE, "host:" + HOST);
        List<CommandExecutor.Result> done = agent.pollOnce();

        assertThat(done).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo("isolate_host");
            assertThat(r.ok()).as(r.detail()).isTrue();
        });
        assertThat(isolation.isolated()).isTrue();
        assertThat(hostReaches(otherPort)).as("everything else is cut").isFalse();
        assertThat(hostReaches(shadowPort)).as("Shadow stays reachable").isTrue();

        new Decisions(api.service.engine()).reject(o.mitigationId(), "olga", "planned load test");
        assertThat(agent.pollOnce()).extracting(CommandExecutor.Result::action).containsExactly("release_host");

        assertThat(isolation.isolated()).isFalse();
        assertThat(hostReaches(otherPort)).isTrue();
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
