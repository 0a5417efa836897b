package io.shadow.agents.capture;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.EventIds;
import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Host telemetry with OSHI, every {@code interval}: one resource-usage sample for the host (CPU and
 * memory utilisation, bytes sent and received and disk bytes read and written since the last
 * sample) and one per busiest process (CPU share, resident memory, user, command line, pid and start
 * time). Host samples feed the host's features; per-process samples ({@code resource_type = process})
 * are kept for investigation. On Linux the per-tick figures that would otherwise read every process's files
 * (CPU time of all processes, disk counters) come from {@link ProcFs}; OSHI's full attributes are
 * read for the busiest processes only.
 */
public final class HostMetricsSource implements Source {
    private final String tenant;
    private final String host;
    private final Duration interval;
    private final int topProcesses;
    private final Clock clock;
    private final HardwareAbstractionLayer hal;
    private final OperatingSystem os;
    private final CentralProcessor cpu;
    private long[] ticks;
    private long netSent;
    private long netRecv;
    private long diskRead;
    private long diskWrite;
    private final boolean procFs = ProcFs.available();
    private final long ticksPerSecond;
    private Map<Integer, Long> previousCpu;
    private long previousNanos;
    private Instant last = Instant.MIN;

    public HostMetricsSource(String tenant, String host, Duration interval, int topProcesses, Clock clock) {
        this.tenant = tenant;
        this.host = host;
        this.interval = interval;
        this.topProcesses = topProcesses;
        this.clock = clock;
        SystemInfo si = new SystemInfo();
        this.hal = si.getHardware();
        this.os = si.getOperatingSystem();
        this.cpu = hal.getProcessor();
        this.ticks = cpu.getSystemCpuLoadTicks();
        long[] net = network();
        netSent = net[0];
        netRecv = net[1];
        long[] disk = disks();
        diskRead = disk[0];
        diskWrite = disk[1];
        this.ticksPerSecond = procFs ? oshi.software.os.linux.LinuxOperatingSystemJNA.hz() : 0;
        previousCpu = processCpu();
        previousNanos = System.nanoTime();
    }

    @Override
    public String name() {
        return "host-metrics";
    }

    @Override
    public int poll(Sink sink) {
        Instant now = clock.instant();
        if (Duration.between(last, now).compareTo(interval) < 0 && last != Instant.MIN) {
            return 0;
        }
        last = now;
        List<String> lines = new ArrayList<>(1 + topProcesses);
        double cpuPct = 100 * cpu.getSystemCpuLoadBetweenTicks(ticks);
        ticks = cpu.getSystemCpuLoadTicks();
        long total = hal.getMemory().getTotal();
        double memPct = total == 0 ? 0 : 100.0 * (total - hal.getMemory().getAvailable()) / total;
        long[] net = network();
        long[] disk = disks();
        Map<String, String> raw = new HashMap<>();
        raw.put("disk_read_bytes", Long.toString(Math.max(0, disk[0] - diskRead)));
        raw.put("disk_write_bytes", Long.toString(Math.max(0, disk[1] - diskWrite)));
        Map<Integer, Long> cpuNow = processCpu();
        long nanos = System.nanoTime();
        raw.put("processes", Integer.toString(cpuNow.size()));
        lines.add(EventCodec.toJson(ActivityEvent.builder().tenant(tenant).time(now)
                .eventClass(EventClass.RESOURCE_USAGE).operation("sample").host(host)
                .resourceType(ResourceType.COMPUTE).resourceId("host:" + host)
                .cpuPct(clamp(cpuPct)).memPct(clamp(memPct))
                .bytesOut(Math.max(0, net[0] - netSent)).bytesIn(Math.max(0, net[1] - netRecv)).raw(raw).build()));
        netSent = net[0];
        netRecv = net[1];
        diskRead = disk[0];
        diskWrite = disk[1];
        // share of one core each process used since the last sample; new processes count from the next one
        double elapsedMs = Math.max(1, (nanos - previousNanos) / 1e6);
        Map<Integer, Double> load = new HashMap<>();
        cpuNow.forEach((pid, ms) -> {
            Long before = previousCpu.get(pid);
            load.put(pid, before == null ? 0 : Math.max(0, ms - before) / elapsedMs);
        });
        previousCpu = cpuNow;
        previousNanos = nanos;
        List<Integer> busiest = load.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(topProcesses)
                .map(Map.Entry::getKey).toList();
        int cores = Math.max(1, cpu.getLogicalProcessorCount());
        for (int pid : busiest) {
            OSProcess p = os.getProcess(pid);
            if (p == null) {
                continue; // exited since
            }
            Map<String, String> praw = new HashMap<>();
            praw.put(ProcessRef.PID, Integer.toString(pid));
            // with the pid it names this very process, for an action the sample's anomaly may take
            ProcFs.startTicks(pid).ifPresent(t -> praw.put(ProcessRef.START_TICKS, Long.toString(t)));
            praw.put("rss_bytes", Long.toString(p.getResidentMemory()));
            praw.put("cmdline", truncate(p.getCommandLine(), 1024));
            String exe = p.getPath() == null || p.getPath().isEmpty() ? p.getName() : p.getPath();
            // the pid is part of the id: samples of two processes of one executable are two events
            lines.add(EventCodec.toJson(ActivityEvent.builder().tenant(tenant).time(now)
                    .eventId(EventIds.derive(tenant, now, "process_sample", host, pid, p.getStartTime(), exe))
                    .eventClass(EventClass.RESOURCE_USAGE).operation("process_sample").host(host)
                    .principal(emptyToNull(p.getUser())).resourceType(ResourceType.PROCESS)
                    .resourceId(exe)
                    .cpuPct(clamp(100 * load.get(pid) / cores)).raw(praw).build()));
        }
        sink.accept(lines);
        return lines.size();
    }

    /** CPU time (ms) of every process by pid: from /proc on Linux, else from OSHI's process list. */
    private Map<Integer, Long> processCpu() {
        if (procFs) {
            try {
                return ProcFs.cpuMillis(ticksPerSecond);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list /proc", e);
            }
        }
        Map<Integer, Long> out = new HashMap<>();
        for (OSProcess p : os.getProcesses()) {
            out.put(p.getProcessID(), p.getKernelTime() + p.getUserTime());
        }
        return out;
    }

    private long[] network() {
        long sent = 0;
        long recv = 0;
        for (NetworkIF nif : hal.getNetworkIFs()) {
            nif.updateAttributes();
            sent += nif.getBytesSent();
            recv += nif.getBytesRecv();
        }
        return new long[] {sent, recv};
    }

    private long[] disks() {
        if (procFs) {
            try {
                return ProcFs.diskBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read /proc/diskstats", e);
            }
        }
        long read = 0;
        long write = 0;
        for (HWDiskStore d : hal.getDiskStores()) {
            d.updateAttributes();
            read += d.getReadBytes();
            write += d.getWriteBytes();
        }
        return new long[] {read, write};
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(100, Math.round(v * 10) / 10.0));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String truncate(String s, int n) {
        return s == null ? "" : s.length() <= n ? s : s.substring(0, n);
    }
}
