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
 * key and its map entry.
 */
record EntityStateSize(int entities, long events, double bytesPerEntity) {

    static EntityStateSize measure(int employees, int copies) {
        List<ActivityEvent> week = WorkloadGenerator.generate(new WorkloadConfig(42L, "acme", employees, 7, 24,
                WorkloadConfig.DEFAULT_START, 1.0)).history().stream()
                .sorted(Comparator.comparing(ActivityEvent::time)).toList();
        BaselineSnapshot snapshot = BenchBaselines.fit(week);
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
        int entities = detector.trackedEntities();
        return new EntityStateSize(entities, events, (double) held / entities);
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
