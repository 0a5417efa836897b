package io.shadow.mitigation.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A real nginx in the foreground, configured with {@code docs/nginx-shadow.conf} (placeholders
 * filled in) inside a minimal main configuration in its own directory, on a free port.
 */
final class NginxProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private NginxProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static NginxProcess start(String nginx, Path dir, Map<String, String> placeholders) throws IOException {
        return start(nginx, dir, placeholders, Map.of());
    }

    /** With {@code hosts} (client address → host name) entered in the file's host map, as its comment says. */
    static NginxProcess start(String nginx, Path dir, Map<String, String> placeholders, Map<String, String> hosts)
            throws IOException {
        return start(nginx, dir, placeholders, hosts, false);
    }

    /** With {@code failOpen}, the file's fail-open line uncommented, as its comment says to. */
    static NginxProcess start(String nginx, Path dir, Map<String, String> placeholders, Map<String, String> hosts,
            boolean failOpen) throws IOException {
        int port = freePort();
        String shadow = Files.readString(Path.of("..", "docs", "nginx-shadow.conf"));
        String failOpenLine = "# error_page 502 504 = @shadow_unreachable;";
        if (failOpen) {
            if (!shadow.contains(failOpenLine)) {
                throw new IllegalStateException("docs/nginx-shadow.conf has no line '" + failOpenLine + "'");
            }
            shadow = shadow.replace(failOpenLine, failOpenLine.substring(2));
        }
        String mapDefault = "    default $remote_addr;\n";
        if (!hosts.isEmpty() && !shadow.contains(mapDefault)) {
            throw new IllegalStateException("docs/nginx-shadow.conf has no host map with '" + mapDefault.trim() + "'");
        }
        StringBuilder entries = new StringBuilder(mapDefault);
        hosts.forEach((address, host) -> entries.append("    ").append(address).append(' ').append(host)
                .append(";\n"));
        shadow = shadow.replace(mapDefault, entries.toString());
        for (var e : placeholders.entrySet()) {
            shadow = shadow.replace("${" + e.getKey() + "}", e.getValue());
        }
        shadow = shadow.replace("${LISTEN}", "127.0.0.1:" + port);
        if (shadow.matches("(?s).*\\$\\{[A-Z_]+}.*")) {
            throw new IllegalStateException("a placeholder of docs/nginx-shadow.conf is not filled in:\n" + shadow);
        }
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("shadow.conf"), shadow);
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log %1$s/logs/access.log;
                    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    include %1$s/shadow.conf;
                }
                """.formatted(dir.toAbsolutePath()));
        Process p = new ProcessBuilder(nginx, "-p", dir.toAbsolutePath().toString(), "-c",
                dir.resolve("nginx.conf").toAbsolutePath().toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        NginxProcess n = new NginxProcess(p, port, dir);
        n.awaitListening();
        return n;
    }

    int port() {
        return port;
    }

    String errorLog() {
        try {
            return Files.readString(dir.resolve("logs/error.log")) + Files.readString(dir.resolve("logs/stdout.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + errorLog());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port + " within 10 s: " + errorLog());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
