package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Operations;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real OSHI process tables of the machine the test runs on (Linux), with a real child process. */
class ProcessSourceTest {
    private static final Instant T0 = Instant.parse("2026-11-09T10:00:00Z");
    private final ProcessSource source = new ProcessSource("acme", "ws-17", new ManualClock(T0));
    private Process child;

    @AfterEach
    void stopChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    private List<ActivityEvent> poll() {
        List<String> lines = new ArrayList<>();
        int n = source.poll(lines::addAll);
        assertThat(n).isEqualTo(lines.size());
        return lines.stream().map(EventCodec::parse).toList();
    }

    private static List<ActivityEvent> of(List<ActivityEvent> events, String operation, long pid) {
        return events.stream().filter(e -> e.operation().equals(operation))
                .filter(e -> e.raw().get("pid").equals(Long.toString(pid))).toList();
    }

    @Test
    void aChildProcessIsReportedWhenItStartsAndWhenItExits() throws IOException, InterruptedException {
        child = new ProcessBuilder("sleep", "30").start();
        String started = Long.toString(ProcFs.startTicks(child.pid()).orElseThrow());

        List<ActivityEvent> afterStart = poll();

        assertThat(of(afterStart, "launch", child.pid())).singleElement().satisfies(e -> {
            assertThat(Operations.isProcessStart(e.operation())).isTrue();
            assertThat(e.eventClass()).isEqualTo(EventClass.PROCESS_ACTIVITY);
            assertThat(e.resourceType()).isEqualTo(ResourceType.PROCESS);
            assertThat(e.resourceId()).endsWith("sleep");
            assertThat(e.host()).isEqualTo("ws-17");
            assertThat(e.tenant()).isEqualTo("acme");
            assertThat(e.time()).isEqualTo(T0);
            assertThat(e.raw().get("cmdline")).contains("sleep 30");
            assertThat(e.raw()).containsEntry("ppid", Long.toString(ProcessHandle.current().pid()));
            assertThat(e.raw()).as("with the pid, names this very process").containsEntry("start_ticks", started);
            assertThat(e.principal()).isEqualTo(System.getProperty("user.name"));
        });
        assertThat(of(poll(), "launch", child.pid())).as("a running process is reported once").isEmpty();

        child.destroy();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        List<ActivityEvent> afterExit = poll();
        assertThat(of(afterExit, "exit", child.pid())).singleElement().satisfies(e -> {
            assertThat(e.resourceType()).isEqualTo(ResourceType.PROCESS);
            assertThat(e.raw().get("cmdline")).contains("sleep 30");
            assertThat(e.raw()).as("read while it ran").containsEntry("start_ticks", started);
        });
        assertThat(of(poll(), "exit", child.pid())).as("an exit is reported once").isEmpty();
    }

    @Test
    void aProcessThatStartedAndEndedWhileTheSpoolRefusedEventsIsStillReported() throws Exception {
        child = new ProcessBuilder("sleep", "31").start();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.poll(lines -> {
            throw new IllegalStateException("spool full");
        })).hasMessage("spool full");
        child.destroy();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        List<ActivityEvent> afterRoom = poll();

        assertThat(of(afterRoom, "launch", child.pid())).as("held from the refused poll").hasSize(1);
        assertThat(of(afterRoom, "exit", child.pid())).hasSize(1);
        assertThat(afterRoom.indexOf(of(afterRoom, "launch", child.pid()).get(0)))
                .isLessThan(afterRoom.indexOf(of(afterRoom, "exit", child.pid()).get(0)));
        assertThat(of(poll(), "launch", child.pid())).as("and sent once").isEmpty();
    }

    @Test
    void twoProcessesOfOneExecutableStartingInOnePollAreTwoEventsWithTheirOwnIds() throws IOException {
        child = new ProcessBuilder("sleep", "32").start();
        Process second = new ProcessBuilder("sleep", "32").start();
        try {
            List<ActivityEvent> events = poll();

            ActivityEvent a = of(events, "launch", child.pid()).get(0);
            ActivityEvent b = of(events, "launch", second.pid()).get(0);
            assertThat(a.resourceId()).isEqualTo(b.resourceId());
            assertThat(a.time()).isEqualTo(b.time());
            assertThat(a.eventId()).as("ingest de-duplicates by id: equal ids would lose one launch")
                    .isNotEqualTo(b.eventId());
        } finally {
            second.destroyForcibly();
        }
    }

    @Test
    void aProcessRunningBeforeTheAgentIsNotALaunchButItsExitIsReported() throws IOException, InterruptedException {
        child = new ProcessBuilder("sleep", "31").start();
        ProcessSource started = new ProcessSource("acme", "ws-17", new ManualClock(T0));
        List<ActivityEvent> events = new ArrayList<>();
        started.poll(lines -> lines.forEach(l -> events.add(EventCodec.parse(l))));
        assertThat(of(events, "launch", child.pid())).isEmpty();

        child.destroy();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        events.clear();
        started.poll(lines -> lines.forEach(l -> events.add(EventCodec.parse(l))));

        assertThat(of(events, "exit", child.pid())).singleElement()
                .satisfies(e -> assertThat(e.raw().get("cmdline")).contains("sleep 31"));
    }

    @Test
    void processesRunningBeforeTheAgentAreNotLaunches() {
        long me = ProcessHandle.current().pid();

        List<ActivityEvent> first = poll();
        List<ActivityEvent> second = poll();

        assertThat(of(first, "launch", me)).isEmpty();
        assertThat(of(second, "launch", me)).isEmpty();
        assertThat(of(second, "exit", me)).isEmpty();
    }
}
