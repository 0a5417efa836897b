package io.shadow.agents.capture;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
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
 * sample) and one per busiest process (CPU share, resident memory, user, command line). Host
 * samples feed the host's features; per-process samples ({@code resource_type = process}) are kept
 * for investigation.
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
    private Map<Integer, OSProcess> previous = new HashMap<>();
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
        for (OSProcess p : os.getProcesses()) {
            previous.put(p.getProcessID(), p);
        }
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
        raw.put("processes", Integer.toString(os.getProcessCount()));
        lines.add(EventCodec.toJson(ActivityEvent.builder().tenant(tenant).time(now)
                .eventClass(EventClass.RESOURCE_USAGE).operation("sample").host(host)
                .resourceType(ResourceType.COMPUTE).resourceId("host:" + host)
                .cpuPct(clamp(cpuPct)).memPct(clamp(memPct))
                .bytesOut(Math.max(0, net[0] - netSent)).bytesIn(Math.max(0, net[1] - netRecv)).raw(raw).build()));
        netSent = net[0];
        netRecv = net[1];
        diskRead = disk[0];
        diskWrite = disk[1];
        Map<Integer, OSProcess> current = new HashMap<>();
        for (OSProcess p : os.getProcesses()) {
            current.put(p.getProcessID(), p);
        }
        List<OSProcess> busiest = current.values().stream()
                .sorted((a, b) -> Double.compare(load(b), load(a))).limit(topProcesses).toList();
        int cores = Math.max(1, cpu.getLogicalProcessorCount());
        for (OSProcess p : busiest) {
            Map<String, String> praw = new HashMap<>();
            praw.put("pid", Integer.toString(p.getProcessID()));
            praw.put("rss_bytes", Long.toString(p.getResidentMemory()));
            praw.put("cmdline", truncate(p.getCommandLine(), 1024));
            lines.add(EventCodec.toJson(ActivityEvent.builder().tenant(tenant).time(now)
                    .eventClass(EventClass.RESOURCE_USAGE).operation("process_sample").host(host)
                    .principal(emptyToNull(p.getUser())).resourceType(ResourceType.PROCESS)
                    .resourceId(p.getPath() == null || p.getPath().isEmpty() ? p.getName() : p.getPath())
                    .cpuPct(clamp(100 * load(p) / cores)).raw(praw).build()));
        }
        previous = current;
        sink.accept(lines);
        return lines.size();
    }

    private double load(OSProcess p) {
        OSProcess before = previous.get(p.getProcessID());
        return before == null ? 0 : p.getProcessCpuLoadBetweenTicks(before);
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
