package io.shadow.bench;

import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.features.files.FileTrees;
import io.shadow.features.json.EventCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code bin/bench agent [rate] [seconds] [warm-up seconds]}: a real agent process (its own JVM with the flags and the
 * lean classpath {@code bin/shadow agent} uses) receives {@code rate} events/s on its HTTP intake, spools them
 * durably and ships them to a {@code file://} landing zone; its CPU (from /proc, user + system)
 * and resident memory are measured over the steady part of the run (after the JIT has settled:
 * 60 s of warm-up by default). Goal: under 5 % of a core and
 * 150 MB at 10,000 events/s.
 */
public final class AgentBench {
    private static final String TOKEN = "bench-intake-token-0123";
    /** The flags {@code bin/shadow agent} uses, from {@code bin/agent-jvm-options} (passed by bin/bench). */
    static final List<String> AGENT_JVM = List.of(System.getProperty("agent.jvm", "-Xms16m -Xmx96m "
            + "-XX:+UseSerialGC").trim().split("[ |]+"));

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int batch = 500;
        List<String> lines = new ArrayList<>();
        WorkloadGenerator.generate(WorkloadConfig.defaults()).history().stream().limit(100_000)
                .forEach(e -> lines.add(EventCodec.toJson(e)));
        Path dir = Files.createTempDirectory("shadow-agent-bench");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, """
                agent-id: bench
                spool: {dir: %s}
                landing: {uri: %s, batch-records: 5000, interval: PT1S}
                intake: {port: 0, token: %s}
                sources:
                  host-metrics: {enabled: %s, interval: PT15S}
                  processes: {enabled: false}
                """.formatted(dir.resolve("spool"), dir.resolve("landing").toUri(), TOKEN,
                System.getProperty("agent.host-metrics", "true")));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        cmd.addAll(AGENT_JVM);
        cmd.addAll(List.of("-cp", System.getProperty("agent.classpath", System.getProperty("java.class.path")),
                "io.shadow.agents.Agent", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process agent = pb.start();
        try {
            int port = port(agent);
            HttpClient http = HttpClient.newHttpClient();
            URI intake = URI.create("http://127.0.0.1:" + port + "/v1/events");
            long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
            long measuredFrom = -1;
            double[] cpuAtStart = null;
            long sent = 0;
            long rssMax = 0;
            int i = 0;
            long start = System.nanoTime();
            long end = warmupEnd + seconds * 1_000_000_000L;
            long next = start;
            long interval = 1_000_000_000L * batch / rate;
            while (System.nanoTime() < end) {
                if (measuredFrom < 0 && System.nanoTime() >= warmupEnd) {
                    measuredFrom = System.nanoTime();
                    cpuAtStart = cpuSeconds(agent.pid());
                }
                if (i + batch > lines.size()) {
                    i = 0;
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(intake)
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines.subList(i, i + batch))))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("intake answered " + r.statusCode() + ": " + r.body());
                }
                i += batch;
                if (measuredFrom >= 0) {
                    sent += batch;
                }
                rssMax = Math.max(rssMax, rssBytes(agent.pid()));
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
            double wall = (System.nanoTime() - measuredFrom) / 1e9;
            double[] cpuNow = cpuSeconds(agent.pid());
            double cpu = (cpuNow[0] + cpuNow[1]) - (cpuAtStart[0] + cpuAtStart[1]);
            Thread.sleep(2_000);
            long landed = landedLines(dir.resolve("landing/events"));
            new Report("agent")
                    .row("offered rate", String.format("%,d events/s in batches of %d over HTTP", rate, batch))
                    .row("achieved rate", String.format("%,.0f events/s over %.0f s (after %d s warm-up)", sent / wall,
                            wall, warmup))
                    .row("agent CPU", String.format("%.1f %% of one core (user %.1f s, system %.1f s)",
                            100 * cpu / wall, cpuNow[0] - cpuAtStart[0], cpuNow[1] - cpuAtStart[1]))
                    .row("agent RSS", String.format("%.0f MB at most", rssMax / 1e6))
                    .row("landed", String.format("%,d events in the landing zone", landed))
                    .row("agent JVM flags", String.join(" ", AGENT_JVM))
                    .row("goal", "< 5 % of a core and < 150 MB")
                    .figure("events_per_s", sent / wall)
                    .figure("cpu_pct_of_core", 100 * cpu / wall)
                    .figure("rss_mb", rssMax / 1e6)
                    .print();
        } finally {
            agent.destroy();
            agent.waitFor();
            FileTrees.deleteQuietly(dir);
        }
    }

    private static int port(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("shadow agent running; intake port ")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        throw new IllegalStateException("agent did not start");
    }

    /** {user, system} CPU seconds of a process, from /proc/PID/stat (clock ticks of 1/100 s). */
    static double[] cpuSeconds(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
    }

    static long rssBytes(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    private static long landedLines(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try (Stream<String> l = Files.lines(f)) {
                    n += l.count();
                }
            }
        }
        return n;
    }
}
