package io.shadow.bench;

import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.agents.spool.Spool;
import io.shadow.features.files.FileTrees;
import io.shadow.features.json.EventCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/bench spool}: durable appends into the agent's spool (CRC32C framing, group commit:
 * one fsync per batch) of realistic event JSON, per core (events per CPU-second of the appending
 * thread), against a bare baseline in the same run: the same bytes written and fsynced per batch
 * without framing or checksums.
 */
public final class SpoolBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        List<byte[]> events = new ArrayList<>();
        WorkloadGenerator.generate(WorkloadConfig.defaults()).history().stream().limit(50_000)
                .forEach(e -> events.add(EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8)));
        double avgBytes = events.stream().mapToInt(b -> b.length).average().orElse(0);
        Path dir = Files.createTempDirectory("shadow-spool-bench");
        try {
            Result spool = runSpool(dir.resolve("spool"), events, batch, seconds);
            Result bare = runBare(dir.resolve("bare.log"), events, batch, seconds);
            new Report("spool")
                    .row("payload", String.format("%.0f bytes/event (workload JSON), batches of %d", avgBytes, batch))
                    .row("spool append, wall", String.format("%,.0f events/s", spool.perWallSecond()))
                    .row("spool append, per core", String.format("%,.0f events/s (CPU-seconds of the writer)",
                            spool.perCpuSecond()))
                    .row("bare write+fsync, per core", String.format("%,.0f events/s", bare.perCpuSecond()))
                    .row("spool / bare (per core)", String.format("%.2f", spool.perCpuSecond() / bare.perCpuSecond()))
                    .row("goal", ">= 200,000 events/s per core")
                    .figure("events_per_s_per_core", spool.perCpuSecond())
                    .figure("events_per_s_wall", spool.perWallSecond())
                    .figure("baseline_events_per_s_per_core", bare.perCpuSecond())
                    .figure("batch", batch)
                    .print();
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    private record Result(long events, double wallSeconds, double cpuSeconds) {
        double perWallSecond() {
            return events / wallSeconds;
        }

        double perCpuSecond() {
            return events / cpuSeconds;
        }
    }

    private static Result runSpool(Path dir, List<byte[]> events, int batch, int seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Spool spool = Spool.open(dir, 64L << 20, 64L << 30)) {
            warm(() -> spool.append(events.subList(0, batch)), 200);
            long n = 0;
            int i = 0;
            long cpu0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                if (i + batch > events.size()) {
                    i = 0;
                }
                spool.append(events.subList(i, i + batch));
                i += batch;
                n += batch;
            }
            return new Result(n, (System.nanoTime() - t0) / 1e9, (mx.getCurrentThreadCpuTime() - cpu0) / 1e9);
        }
    }

    private static Result runBare(Path file, List<byte[]> events, int batch, int seconds) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            long n = 0;
            int i = 0;
            long cpu0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                if (i + batch > events.size()) {
                    i = 0;
                }
                int size = 0;
                for (int k = i; k < i + batch; k++) {
                    size += events.get(k).length;
                }
                ByteBuffer buf = ByteBuffer.allocate(size);
                for (int k = i; k < i + batch; k++) {
                    buf.put(events.get(k));
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
                i += batch;
                n += batch;
            }
            return new Result(n, (System.nanoTime() - t0) / 1e9, (mx.getCurrentThreadCpuTime() - cpu0) / 1e9);
        }
    }

    private static void warm(Runnable r, int times) {
        for (int k = 0; k < times; k++) {
            r.run();
        }
    }
}
