package io.shadow.agents.act;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processes a command must never signal, whatever its selector: pid 1, the agent and its
 * parents, and Shadow itself on this host, that is every JVM whose main class is Shadow's
 * ({@code io.shadow.cli.Main}, which {@code bin/shadow} runs for serve, nightly and the rest, and
 * {@code io.shadow.agents.Agent}), and whatever listens on the port of a Shadow endpoint the agent
 * talks to when that endpoint is on this host (the API and scorer however they were started).
 * Stopping one of those would leave nobody able to reject or resume.
 */
final class ShadowProcesses {
    static final Set<String> MAIN_CLASSES = Set.of("io.shadow.cli.Main", "io.shadow.agents.Agent");
    static final Set<String> JARS = Set.of("shadow-cli.jar", "shadow-agents.jar");
    /** java launcher options whose value is the next argument, not the main class. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules", "--add-reads",
            "--add-exports", "--add-opens", "--patch-module", "--enable-native-access");
    private static final Path PROC = Path.of("/proc");

    private final Set<Long> agentLine = new HashSet<>();
    /** The endpoints served from this host, decided once (a host isolated later may not resolve names). */
    private final List<URI> endpoints;

    /** @param endpoints Shadow's URLs the agent uses (actions, scorer); those served from this host are spared */
    ShadowProcesses(List<URI> endpoints) {
        this.endpoints = endpoints.stream().filter(u -> u.getHost() != null && local(u.getHost())).toList();
        agentLine.add(1L);
        Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        while (p.isPresent()) {
            agentLine.add(p.get().pid());
            p = p.get().parent();
        }
    }

    /** pid 1, the agent and its parents: fixed while the agent runs. */
    boolean isAgentLine(long pid) {
        return agentLine.contains(pid);
    }

    /** A look at the host now: which processes serve Shadow's local endpoints. */
    Snapshot now() {
        return new Snapshot(endpointOwners());
    }

    /** Why each process is spared, as of one look at the host. */
    final class Snapshot {
        private final Map<Long, String> listeners;

        private Snapshot(Map<Long, String> listeners) {
            this.listeners = listeners;
        }

        /** Why {@code pid} must not be signalled, in words for the command's result; empty when it may be. */
        Optional<String> why(long pid) {
            if (pid == 1) {
                return Optional.of("pid 1 is the init process");
            }
            if (agentLine.contains(pid)) {
                return Optional.of("pid " + pid + " is this agent or one of its parent processes");
            }
            String serves = listeners.get(pid);
            if (serves != null) {
                return Optional.of("pid " + pid + " serves Shadow at " + serves);
            }
            return shadowMain(pid).map(m -> "pid " + pid + " is Shadow's own process (" + m + ")");
        }
    }

    /** The main class (or jar) and first argument of a Shadow JVM; empty for any other process. */
    static Optional<String> shadowMain(long pid) {
        List<String> argv;
        try {
            byte[] b = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            argv = List.of(new String(b, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().startsWith("java")
                || !javaRuntime(pid)) {
            return Optional.empty();
        }
        for (int i = 1; i < argv.size(); i++) {
            String a = argv.get(i);
            if (OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (a.equals("-jar") && i + 1 < argv.size()) {
                String jar = argv.get(i + 1);
                return JARS.contains(Path.of(jar).getFileName().toString())
                        ? Optional.of("java -jar " + jar + args(argv, i + 2)) : Optional.empty();
            } else if (!a.startsWith("-")) {
                return MAIN_CLASSES.contains(a) ? Optional.of("java " + a + args(argv, i + 1)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the process runs a Java runtime's launcher (its executable, not what its command line says:
     * {@code exec -a java xmrig io.shadow.cli.Main} names itself so): {@code <home>/bin/java*} beside
     * {@code <home>/lib/modules}. A process whose executable cannot be read (another user's, to an agent
     * not running as root) is not taken for Shadow on its command line alone.
     */
    static boolean javaRuntime(long pid) {
        try {
            Path exe = Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("exe"));
            Path bin = exe.getParent();
            return exe.getFileName().toString().startsWith("java") && bin != null && bin.getParent() != null
                    && bin.getFileName().toString().equals("bin")
                    && Files.isRegularFile(bin.getParent().resolve("lib").resolve("modules"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String args(List<String> argv, int from) {
        return from < argv.size() ? " " + argv.get(from) : "";
    }

    /** The pids listening on the port of each endpoint served from this host, with that endpoint. */
    private Map<Long, String> endpointOwners() {
        Map<String, String> inodes = new HashMap<>();
        for (URI u : endpoints) {
            int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            for (String table : List.of("net/tcp", "net/tcp6")) {
                listening(PROC.resolve(table), port).forEach(inode -> inodes.put(inode, u.toString()));
            }
        }
        Map<Long, String> owners = new HashMap<>();
        if (inodes.isEmpty()) {
            return owners;
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        String link = Files.readSymbolicLink(fd).toString();
                        if (link.startsWith("socket:[")) {
                            String serves = inodes.get(link.substring(8, link.length() - 1));
                            if (serves != null) {
                                owners.put(Long.parseLong(proc.getFileName().toString()), serves);
                            }
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // another user's process (not readable unless root), or one that just exited
                }
            }
        } catch (IOException e) {
            // no /proc: only the main-class check spares Shadow here
        }
        return owners;
    }

    /** Inodes of the sockets listening on {@code port} in a /proc/net/tcp table. */
    private static List<String> listening(Path table, int port) {
        try {
            return Files.readAllLines(table).stream().skip(1).map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length > 9 && f[3].equals("0A")
                            && Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) == port)
                    .map(f -> f[9]).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean local(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null) {
                    return true;
                }
            }
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
        return false;
    }
}
