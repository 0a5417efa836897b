package io.shadow.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Load for the scorer benchmark over keep-alive connections: closed loop (each client sends its
 * next request when the previous is answered: maximum throughput) and open loop (requests at a
 * fixed rate, latency measured from when each was due, so a stall counts against every request
 * that waited for it).
 */
final class ScorerLoad {
    private ScorerLoad() {
    }

    /**
     * What a run measured; {@code failed} counts answers other than 200 and broken connections;
     * {@code cpuSeconds} is the CPU the whole JVM (server and load threads) used while measuring.
     */
    record Run(double seconds, long requests, long events, long failed, long[] latencyNanos, double cpuSeconds) {
        double eventsPerSecond() {
            return events / seconds;
        }

        /** Events per second of CPU: unlike events/s, not inflated or deflated by other processes' load. */
        double eventsPerCpuSecond() {
            return events / cpuSeconds;
        }

        double requestsPerSecond() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            return latencyNanos[(int) Math.min(latencyNanos.length - 1, Math.ceil(p * latencyNanos.length) - 1)] / 1e6;
        }
    }

    /** {@code clients} connections send {@code body} back to back for warm-up and then {@code seconds}. */
    static Run closedLoop(int port, String path, String token, int clients, double warmup, double seconds,
            int eventsPerRequest, Supplier<byte[]> body) throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try (HttpConnection conn = new HttpConnection(port, path, token)) {
                    while (true) {
                        byte[] b = body.get();
                        int status = conn.post(b, null);
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        if (now >= measureFrom) {
                            requests.incrementAndGet();
                            if (status != 200) {
                                failed.incrementAndGet();
                            }
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }, "load-" + c);
            t.start();
            threads.add(t);
        }
        sleepUntil(measureFrom);
        double cpuFrom = processCpuSeconds();
        sleepUntil(end);
        double cpu = processCpuSeconds() - cpuFrom;
        for (Thread t : threads) {
            t.join();
        }
        return new Run(seconds, requests.get(), requests.get() * eventsPerRequest, failed.get(), new long[0], cpu);
    }

    /** {@code rate} requests/s spread over {@code clients} connections; latency from the due time. */
    static Run openLoop(int port, String path, String token, int clients, double rate, double warmup, double seconds,
            Supplier<byte[]> body) throws Exception {
        long start = System.nanoTime() + 50_000_000L;
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        long interval = (long) (clients * 1e9 / rate);
        long[][] latencies = new long[clients][];
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                long[] lat = new long[(int) (seconds * rate / clients * 1.2) + 16];
                int n = 0;
                try (HttpConnection conn = new HttpConnection(port, path, token)) {
                    for (long due = start + id * interval / clients; due < end; due += interval) {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        int status = conn.post(body.get(), null);
                        long took = System.nanoTime() - due;
                        if (due >= measureFrom) {
                            if (n == lat.length) {
                                lat = Arrays.copyOf(lat, n * 2);
                            }
                            lat[n++] = took;
                            if (status != 200) {
                                failed.incrementAndGet();
                            }
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
                latencies[id] = Arrays.copyOf(lat, n);
            }, "open-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Run(seconds, all.length, all.length, failed.get(), all, Double.NaN);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }
}
