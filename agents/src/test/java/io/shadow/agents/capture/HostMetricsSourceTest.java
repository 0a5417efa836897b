package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Real OSHI samples of the machine the test runs on (Linux). */
class HostMetricsSourceTest {
    private static final Instant T0 = Instant.parse("2026-11-09T10:00:00Z");
    private static volatile long spun;
    private final ManualClock clock = new ManualClock(T0);
    private final HostMetricsSource source = new HostMetricsSource("acme", "ws-17", Duration.ofSeconds(15), 3, clock);

    private List<ActivityEvent> poll() {
        List<String> lines = new ArrayList<>();
        int n = source.poll(lines::addAll);
        assertThat(n).isEqualTo(lines.size());
        return lines.stream().map(EventCodec::parse).toList();
    }

    /** Keeps this JVM busy for a while, so it is among the busiest processes of the next sample. */
    private static void burnCpu(Duration d) throws InterruptedException {
        long until = System.nanoTime() + d.toNanos();
        Runnable spin = () -> {
            while (System.nanoTime() < until) {
                spun++;
            }
        };
        Thread a = new Thread(spin);
        Thread b = new Thread(spin);
        a.start();
        b.start();
        a.join();
        b.join();
    }

    private static Set<Long> running() {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void aHostSampleHasUtilisationAndNamesTheHost() {
        ActivityEvent host = poll().get(0);

        assertThat(host.eventClass()).isEqualTo(EventClass.RESOURCE_USAGE);
        assertThat(host.operation()).isEqualTo("sample");
        assertThat(host.resourceType()).isEqualTo(ResourceType.COMPUTE);
        assertThat(host.host()).isEqualTo("ws-17");
        assertThat(host.resourceId()).isEqualTo("host:ws-17");
        assertThat(host.tenant()).isEqualTo("acme");
        assertThat(host.time()).isEqualTo(T0);
        assertThat(host.cpuPct()).isBetween(0.0, 100.0);
        assertThat(host.memPct()).isGreaterThan(0.0).isLessThanOrEqualTo(100.0);
        assertThat(Long.parseLong(host.raw().get("processes"))).isPositive();
        assertThat(Long.parseLong(host.raw().get("disk_read_bytes"))).isNotNegative();
        assertThat(Long.parseLong(host.raw().get("disk_write_bytes"))).isNotNegative();
    }

    @Test
    void theBusiestProcessesAreSampledToo() throws InterruptedException {
        // every process with its share (this JVM need not be among the 3 busiest of a shared machine)
        HostMetricsSource all = new HostMetricsSource("acme", "ws-17", Duration.ofSeconds(15), 100_000, clock);
        poll();
        all.poll(lines -> { });
        clock.advance(Duration.ofSeconds(15));
        burnCpu(Duration.ofMillis(1500));

        List<ActivityEvent> events = poll();
        List<String> everyLine = new ArrayList<>();
        Set<Long> runningBefore = running();
        all.poll(everyLine::addAll);
        Set<Long> runningAfter = running();
        List<ActivityEvent> every = everyLine.stream().map(EventCodec::parse).toList();

        assertThat(events.get(0).cpuPct()).as("host cpu while this JVM spun two threads").isPositive();
        List<ActivityEvent> processes = events.subList(1, events.size());
        assertThat(processes).hasSize(3).allSatisfy(p -> {
            assertThat(p.resourceType()).isEqualTo(ResourceType.PROCESS);
            assertThat(p.operation()).isEqualTo("process_sample");
            assertThat(p.host()).isEqualTo("ws-17");
            assertThat(p.cpuPct()).isBetween(0.0, 100.0);
            assertThat(p.raw()).containsKeys("pid", "rss_bytes", "cmdline");
        });
        assertThat(processes).extracting(ActivityEvent::cpuPct).isSortedAccordingTo(Comparator.reverseOrder());
        List<ActivityEvent> ranked = every.subList(1, every.size());
        assertThat(ranked).extracting(ActivityEvent::cpuPct).isSortedAccordingTo(Comparator.reverseOrder());
        // "processes" counts those whose CPU time was read; one that exited before its details were read is
        // left out of the ranking (a machine running a build starts and ends many), but every process that
        // ran before and after the sample is in it
        assertThat(ranked.size()).isLessThanOrEqualTo(Integer.parseInt(every.get(0).raw().get("processes")));
        Set<Long> throughout = new HashSet<>(runningBefore);
        throughout.retainAll(runningAfter);
        assertThat(ranked).extracting(p -> Long.parseLong(p.raw().get("pid"))).containsAll(throughout);
        String me = Long.toString(ProcessHandle.current().pid());
        assertThat(ranked).filteredOn(p -> p.raw().get("pid").equals(me)).singleElement()
                .satisfies(p -> {
                    assertThat(p.cpuPct()).isPositive();
                    assertThat(Long.parseLong(p.raw().get("rss_bytes"))).isPositive();
                    assertThat(p.raw().get("cmdline")).contains("java");
                    assertThat(p.raw()).as("with the pid, names this very process").containsEntry("start_ticks",
                            Long.toString(ProcFs.startTicks(ProcessHandle.current().pid()).orElseThrow()));
                });
    }

    @Test
    void samplesAreTakenOncePerInterval() {
        assertThat(poll()).isNotEmpty();

        clock.advance(Duration.ofSeconds(5));
        List<String> early = new ArrayList<>();
        assertThat(source.poll(early::addAll)).isZero();
        assertThat(early).isEmpty();

        clock.advance(Duration.ofSeconds(10));
        List<ActivityEvent> next = poll();
        assertThat(next).isNotEmpty();
        assertThat(next.get(0).time()).isEqualTo(T0.plusSeconds(15));
    }
}
