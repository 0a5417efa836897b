package io.shadow.agents.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The few Linux {@code /proc} figures host metrics need each tick, read directly: one small read per
 * process instead of OSHI's full process attributes (several files each), and one read of
 * {@code /proc/diskstats} instead of a udev walk; and a process's start time, which with its pid
 * names one process for good (process events carry it, process actions check it).
 */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    private static final Path SYS_BLOCK = Path.of("/sys/block");

    private ProcFs() {
    }

    static boolean available() {
        return Files.isReadable(PROC.resolve("self/stat")) && Files.isReadable(PROC.resolve("diskstats"));
    }

    /** CPU time (user + system, ms) of every process, by pid; processes that exit while read are left out. */
    static Map<Integer, Long> cpuMillis(long ticksPerSecond) throws IOException {
        Map<Integer, Long> out = new HashMap<>();
        byte[] buf = new byte[1024];
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long ticks = statTicks(d.resolve("stat"), buf);
                if (ticks >= 0) {
                    out.put(Integer.parseInt(name), ticks * 1000 / ticksPerSecond);
                }
            }
        }
        return out;
    }

    /** utime + stime (fields 14 and 15 of /proc/PID/stat), or -1 if the process is gone. */
    private static long statTicks(Path stat, byte[] buf) {
        int n;
        try (var in = Files.newInputStream(stat)) {
            n = in.readNBytes(buf, 0, buf.length);
        } catch (IOException e) {
            return -1;
        }
        // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
        int i = n - 1;
        while (i >= 0 && buf[i] != ')') {
            i--;
        }
        if (i < 0) {
            return -1;
        }
        long[] fields = new long[2];
        int field = 2;
        for (i++; i < n && field < 15; i++) {
            if (buf[i] == ' ') {
                field++;
                if (field == 14 || field == 15) {
                    long v = 0;
                    for (int j = i + 1; j < n && buf[j] >= '0' && buf[j] <= '9'; j++) {
                        v = v * 10 + (buf[j] - '0');
                    }
                    fields[field - 14] = v;
                }
            }
        }
        return field == 15 ? fields[0] + fields[1] : -1;
    }

    /**
     * When the kernel started process {@code pid}, in clock ticks since boot (field 22 of
     * {@code /proc/PID/stat}); empty when no such process runs (or not on Linux). Exact, unlike a
     * wall-clock start time, which moves with the clock.
     */
    public static OptionalLong startTicks(long pid) {
        String[] f = statFields(pid).orElse(new String[0]);
        try {
            return f.length > 19 ? OptionalLong.of(Long.parseLong(f[19])) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The fields of {@code /proc/PID/stat} from the third on (the state letter first, the start time at
     * index 19); empty when no such process runs (or not on Linux).
     */
    public static java.util.Optional<String[]> statFields(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
        int end = stat.lastIndexOf(')');
        return end < 0 || end + 2 > stat.length() ? java.util.Optional.empty()
                : java.util.Optional.of(stat.substring(end + 2).trim().split(" "));
    }

    /** Bytes read and written by whole disks (partitions, loop and ram devices left out) since boot. */
    static long[] diskBytes() throws IOException {
        long read = 0;
        long write = 0;
        for (String line : Files.readAllLines(PROC.resolve("diskstats"), StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[2].startsWith("loop") || f[2].startsWith("ram")
                    || !Files.exists(SYS_BLOCK.resolve(f[2]))) {
                continue;
            }
            // sectors are 512 bytes in /proc/diskstats whatever the device's sector size
            read += Long.parseLong(f[5]) * 512;
            write += Long.parseLong(f[9]) * 512;
        }
        return new long[] {read, write};
    }
}
