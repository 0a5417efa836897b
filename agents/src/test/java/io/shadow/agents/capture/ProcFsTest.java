package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /proc read directly on the Linux machine the test runs on, against what the JVM says of itself. */
class ProcFsTest {
    @Test
    void thisProcessesCpuTimeMatchesWhatTheJvmMeasures() throws IOException {
        assumeTrue(ProcFs.available(), "Linux /proc");
        int me = (int) ProcessHandle.current().pid();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long before = os.getProcessCpuTime() / 1_000_000;
        Map<Integer, Long> cpu = ProcFs.cpuMillis(oshi.software.os.linux.LinuxOperatingSystemJNA.hz());
        long after = os.getProcessCpuTime() / 1_000_000;

        assertThat(cpu).containsKey(1);
        // /proc counts in clock ticks (10 ms): allow two of them either side
        assertThat(cpu.get(me)).as("ms of CPU of this JVM").isBetween(before - 20, after + 20);
    }

    @Test
    void diskCountersOnlyGrow() throws IOException {
        assumeTrue(ProcFs.available(), "Linux /proc");
        long[] before = ProcFs.diskBytes();
        long[] after = ProcFs.diskBytes();

        assertThat(before[0]).isNotNegative();
        assertThat(before[1]).isNotNegative();
        assertThat(after[0]).isGreaterThanOrEqualTo(before[0]);
        assertThat(after[1]).isGreaterThanOrEqualTo(before[1]);
    }
}
