package io.shadow.bench;

import io.shadow.agents.simulate.WorkloadConfig;
import io.shadow.agents.simulate.WorkloadGenerator;
import io.shadow.features.ActivityEvent;
import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.model.detect.Detector;
import io.shadow.model.detect.DetectorConfig;
import java.util.Comparator;
import java.util.List;

/**
 * The online scorer's memory per entity, measured rather than extrapolated: a {@link Detector}
 * (what the scorer runs) observes a simulated week of an organisation's activity, replayed for
 * {@code copies} organisations' worth of principals and hosts (copy 0 has its own baselines,
 * the others start from the population prior like new clients), and the heap it then holds is
 * divided by the entities it tracks. Everything the scorer keeps per entity is in that figure:
 * the per-feature state, the likelihood stage, the feature combination, values learned online, the
 * key and its map entry. What the detector keeps once for all entities (its table of blended
 * expectations, about 1 MB when full) is in it too, spread over the entities measured; so the same is
 * measured with half the copies as well, and the difference per entity between the two runs is the
 * marginal cost of one more entity ({@code bytesPerEntity}), the figure that scales to a million.
 */
record EntityStateSize(int entities, long events, double bytesPerEntity, double heldPerEntity) {

    static EntityStateSize measure(int employees, int copies) {
        List<ActivityEvent> week = WorkloadGenerator.generate(new WorkloadConfig(42L, "acme", employees, 7, 24,
                WorkloadConfig.DEFAULT_START, 1.0)).history().stream()
                .sorted(Comparator.comparing(ActivityEvent::time)).toList();
        BaselineSnapshot snapshot = BenchBaselines.fit(week);
        long[] half = held(week, snapshot, Math.max(1, copies / 2));
        long[] full = held(week, snapshot, copies);
        double marginal = full[1] > half[1] ? (double) (full[0] - half[0]) / (full[1] - half[1])
                : (double) full[0] / full[1];
        return new EntityStateSize((int) full[1], full[2], marginal, (double) full[0] / full[1]);
    }

    /** {heap held, entities tracked, events observed} after {@code copies} copies of the week. */
    private static long[] held(List<ActivityEvent> week, BaselineSnapshot snapshot, int copies) {
        long before = DetectorBench.usedHeap();
        Detector detector = new Detector(DetectorConfig.defaults(), snapshot);
        long events = 0;
        for (ActivityEvent e : week) {
            for (int c = 0; c < copies; c++) {
                detector.observe(c == 0 ? e : copy(e, c));
                events++;
            }
        }
        long held = DetectorBench.usedHeap() - before;
        long[] out = {held, detector.trackedEntities(), events};
        java.lang.ref.Reference.reachabilityFence(detector);
        return out;
    }

    /** The same activity by the {@code c}-th copy's principal on its host, so it is tracked apart. */
    private static ActivityEvent copy(ActivityEvent e, int c) {
        String suffix = "-" + c;
        return new ActivityEvent(e.eventId() + suffix, e.time(), e.tenant(), e.eventClass(), e.operation(),
                e.principal() == null ? null : e.principal() + suffix, e.srcIp(), e.userAgent(),
                e.host() == null ? null : e.host() + suffix, e.resourceType(), e.resourceId(), e.outcome(),
                e.bytesIn(), e.bytesOut(), e.cpuPct(), e.memPct(), e.raw());
    }
}
