package io.shadow.spark.nightly;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster (one master, one worker) from a Spark distribution, on free
 * loopback ports with its pid, log and work files in one directory; {@link #submit} runs
 * {@code spark-submit} against it.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final String MASTER = "org.apache.spark.deploy.master.Master";
    private static final String WORKER = "org.apache.spark.deploy.worker.Worker";

    /** Executors lost before {@link #submit} gives up; a healthy run of the nightly job loses none. */
    private static final int MAX_LOST_EXECUTORS = 5;

    private final Path sparkHome;
    private final Path dir;
    private final int port;
    private final int uiPort;

    StandaloneCluster(Path sparkHome, Path dir) throws Exception {
        this.sparkHome = sparkHome;
        this.dir = dir;
        this.port = freePort();
        this.uiPort = freePort();
        Files.createDirectories(dir.resolve("work"));
        daemon("start", MASTER, "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port",
                Integer.toString(uiPort));
        daemon("start", WORKER, "--host", "127.0.0.1", "--port", Integer.toString(freePort()), "--webui-port",
                Integer.toString(freePort()), "--cores", "2", "--memory", "2g", "--work-dir",
                dir.resolve("work").toString(), masterUrl());
        awaitWorker(Duration.ofSeconds(90));
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** Where executors keep their stdout/stderr, one folder per application. */
    Path workDir() {
        return dir.resolve("work");
    }

    /**
     * Runs spark-submit; returns its exit code, its output in {@code log}. Fails early, naming the
     * first executor's error, when executors keep being lost: the standalone master replaces an
     * executor that dies after it started without limit, so a worker that cannot start one (a full
     * disk, too little memory) would otherwise spin until the timeout.
     */
    int submit(List<String> args, Path log, Duration timeout) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(sparkHome.resolve("bin/spark-submit").toString());
        cmd.addAll(args);
        Process p = process(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + timeout.toNanos();
        while (!p.waitFor(2, TimeUnit.SECONDS)) {
            List<String> lost = lostExecutors(log);
            if (System.nanoTime() > end || lost.size() >= MAX_LOST_EXECUTORS) {
                p.destroyForcibly().waitFor();
                String why = lost.size() >= MAX_LOST_EXECUTORS
                        ? lost.size() + " executors were lost; the first: " + lost.get(0)
                        : "spark-submit did not finish within " + timeout;
                throw new AssertionError(why + "\n(" + Files.getFileStore(dir).getUsableSpace() / (1 << 20)
                        + " MiB free where the cluster keeps its files, " + dir + "); the output's end:\n" + tail(log));
            }
        }
        return p.exitValue();
    }

    private static List<String> lostExecutors(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("Lost executor")).limit(MAX_LOST_EXECUTORS).toList();
        }
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Override
    public void close() throws Exception {
        daemon("stop", WORKER);
        daemon("stop", MASTER);
    }

    private void daemon(String action, String mainClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(sparkHome.resolve("sbin/spark-daemon.sh").toString(), action,
                mainClass, "1"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("daemon-" + action + ".log");
        Process p = process(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                log.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("spark-daemon.sh " + action + " " + mainClass + " failed:\n" + tail(log));
        }
    }

    private ProcessBuilder process(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_PID_DIR", dir.toString());
        env.put("SPARK_LOG_DIR", dir.resolve("logs").toString());
        // Executors' scratch space and their copies of the application jar (~190 MB each) go in
        // this directory, not java.io.tmpdir, so they are removed with it.
        env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
        env.put("SPARK_DAEMON_MEMORY", "512m");
        env.put("SPARK_CONF_DIR", dir.resolve("conf").toString());
        env.put("TF_CPP_MIN_LOG_LEVEL", "2");
        return pb;
    }

    private void awaitWorker(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < end) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (last.replace(" ", "").contains("\"aliveworkers\":1")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no worker registered with " + masterUrl() + " within " + timeout + ": "
                + last + "; logs in " + dir.resolve("logs"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
