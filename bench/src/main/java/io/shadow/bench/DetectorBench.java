package io.shadow.bench;

import io.shadow.features.EntityKind;
import io.shadow.features.Feature;
import io.shadow.model.detect.stream.StateSize;
import io.shadow.model.detect.stream.StreamConfig;
import io.shadow.model.detect.stream.StreamDetector;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * {@code bin/bench detector [seconds] [series] [employees] [copies]}: stream-detector updates per CPU-second of one
 * thread, round-robin over many series (so state comes from memory, not a hot cache line), against
 * a bare baseline in the same run: one EWMA per series over the same inputs. State per
 * entity-feature is measured twice: by {@link StateSize} (object layout) and from the heap growth
 * of allocating the detectors. The scorer's whole state per entity is measured as well
 * ({@link EntityStateSize}: {@code copies} organisations of {@code employees} people for a week), and the
 * cost of a flagged flood of one entity ({@link FloodProbe}).
 */
public final class DetectorBench {
    private static final long START = 1_396_310_400L;

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int entityEmployees = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int entityCopies = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        double[] inputs = inputs(1 << 16);
        StreamConfig cfg = StreamConfig.defaults();

        long heapBefore = usedHeap();
        StreamDetector[] detectors = new StreamDetector[series];
        for (int s = 0; s < series; s++) {
            detectors[s] = new StreamDetector(cfg);
        }
        long heapPerSeries = Math.max(0, usedHeap() - heapBefore) / series;
        long layoutBytes = StateSize.of(detectors[0]);

        Result detect = run(seconds, series, inputs, (s, t, x) -> detectors[s].update(t, x));
        double[] ewma = new double[series];
        Result bare = run(seconds, series, inputs, (s, t, x) -> ewma[s] += 0.02 * (x - ewma[s]));

        int featuresPerEntity = (int) Arrays.stream(Feature.values())
                .filter(f -> f.entityKind() == EntityKind.PRINCIPAL).count();
        double streamMillionEntitiesGb = 1e6 * featuresPerEntity * layoutBytes / 1e9;
        EntityStateSize scorerState = EntityStateSize.measure(entityEmployees, entityCopies);
        FloodProbe flood = FloodProbe.measure(200_000, 3);
        double millionEntitiesGb = 1e6 * scorerState.bytesPerEntity() / 1e9;
        new Report("detector")
                .row("series (entity-features)", String.format("%,d, round robin, %d s per loop", series, seconds))
                .row("stream detector, per core", String.format("%,.0f updates/s (CPU-seconds of the thread)",
                        detect.perCpuSecond()))
                .row("bare EWMA, per core", String.format("%,.0f updates/s", bare.perCpuSecond()))
                .row("detector / bare (time per update)", String.format("%.1f", bare.perCpuSecond()
                        / detect.perCpuSecond()))
                .row("state per entity-feature", String.format("%,d bytes (object layout); %,d bytes (heap growth)",
                        layoutBytes, heapPerSeries))
                .row("1M entity-features", String.format("%.2f GB heap", 1e6 * layoutBytes / 1e9))
                .row("1M entities, stream detector per feature", String.format("%.1f GB heap (%d features per "
                        + "principal)", streamMillionEntitiesGb, featuresPerEntity))
                .row("scorer's state per entity (measured)", String.format("%,.0f bytes per entity more (%,.0f "
                        + "held per entity with the shared tables): %,d entities after a simulated week, %,d events",
                        scorerState.bytesPerEntity(), scorerState.heldPerEntity(), scorerState.entities(),
                        scorerState.events()))
                .row("1M entities in the scorer", String.format("%.2f GB heap", millionEntitiesGb))
                .row("flagged flood of one entity, usual at another hour", String.format("%,.0f events/s "
                        + "(CPU-seconds of the thread; %d anomalies)", flood.withUsualHourPerS(),
                        flood.anomaliesWith()))
                .row("same flood, no usual hour (reference)", String.format("%,.0f events/s (%d anomalies)",
                        flood.withoutPerS(), flood.anomaliesWithout()))
                .row("flood: usual-hour search / reference", String.format("%.2f", flood.ratio()))
                .row("goal", "<= 2 KB per entity-feature; 1M entities in one scorer's heap")
                .row("checksum", String.format("%.3f", detect.checksum() + bare.checksum()))
                .figure("updates_per_s", detect.perCpuSecond())
                .figure("baseline_updates_per_s", bare.perCpuSecond())
                .figure("bytes_per_entity_feature", layoutBytes)
                .figure("heap_bytes_per_entity_feature", heapPerSeries)
                .figure("bytes_per_entity", scorerState.bytesPerEntity())
                .figure("held_bytes_per_entity", scorerState.heldPerEntity())
                .figure("gb_per_million_entities", millionEntitiesGb)
                .figure("flood_events_per_s", flood.withUsualHourPerS())
                .figure("flood_reference_events_per_s", flood.withoutPerS())
                .figure("flood_ratio", flood.ratio())
                .print();
    }

    @FunctionalInterface
    private interface Update {
        double apply(int series, long epochSecond, double value);
    }

    private record Result(long updates, double cpuSeconds, double checksum) {
        double perCpuSecond() {
            return updates / cpuSeconds;
        }
    }

    /** A daily cycle with noise and rare spikes: the detector does its full work on every row. */
    private static double[] inputs(int n) {
        Random r = new Random(42);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 50 + 20 * Math.sin(2 * Math.PI * i / 288) + 3 * r.nextGaussian() + (r.nextInt(500) == 0 ? 60 : 0);
        }
        return v;
    }

    private static Result run(int seconds, int series, double[] inputs, Update update) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double sink = 0;
        long updates = 0;
        int row = 0;
        // warm-up: the JIT compiles the update path before the clock starts
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        long cpu0 = 0;
        boolean measuring = false;
        long end = Long.MAX_VALUE;
        while (true) {
            long t = START + 300L * row;
            double x = inputs[row & (inputs.length - 1)];
            for (int s = 0; s < series; s++) {
                sink += update.apply(s, t, x + (s & 7));
            }
            row++;
            long now = System.nanoTime();
            if (!measuring && now >= warmEnd) {
                measuring = true;
                cpu0 = mx.getCurrentThreadCpuTime();
                end = now + seconds * 1_000_000_000L;
                updates = 0;
            } else if (measuring) {
                updates += series;
                if (now >= end) {
                    break;
                }
            }
        }
        return new Result(updates, (mx.getCurrentThreadCpuTime() - cpu0) / 1e9, sink);
    }

    static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
