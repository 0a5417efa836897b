package io.shadow.agents.act;

import io.shadow.agents.capture.ProcFs;
import io.shadow.features.ProcessRef;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Finds the processes a command names and signals them. Selectors: {@code pid} (one or a
 * comma-separated list; with {@code start_ticks}, one process started at that kernel tick, so that a
 * pid reused since the anomaly is spared), {@code exe} (every process running that executable: only
 * when a profile asks for it), {@code top_cpu} (the busiest process that is not Shadow's). Pid 1, the
 * agent, its ancestors and Shadow's own processes on this host ({@link ShadowProcesses}) are never
 * touched: they are reported as spared, with why.
 */
public final class ProcessControl {
    private final OperatingSystem os = new SystemInfo().getOperatingSystem();
    private final ShadowProcesses shadow;

    /** Spares pid 1, the agent, its ancestors and Shadow's JVMs (by main class). */
    private final String kill;

    public ProcessControl() {
        this(List.of());
    }

    /** Also spares whatever serves these Shadow endpoints (actions, scorer URL) when they are on this host. */
    public ProcessControl(List<URI> shadowEndpoints) {
        this(shadowEndpoints, "kill");
    }

    /** With another program than {@code kill} to send signals (tests: one that fails for a pid). */
    ProcessControl(List<URI> shadowEndpoints, String kill) {
        this.shadow = new ShadowProcesses(shadowEndpoints);
        this.kill = kill;
    }

    /**
     * What a selector names: the pids to signal, and the running processes it names that are
     * spared, each as "pid N …" saying why.
     */
    public record Selection(List<Long> pids, List<String> spared) {
    }

    /** The processes a selector names (none when none runs); throws on a malformed selector. */
    public Selection select(Map<String, String> selector) {
        List<Long> named = new ArrayList<>();
        List<String> spared = new ArrayList<>();
        ShadowProcesses.Snapshot host = shadow.now();
        if (selector.containsKey("pid")) {
            Long startTicks = startTicks(selector);
            for (String s : selector.get("pid").split(",")) {
                long pid;
                try {
                    pid = Long.parseLong(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("selector pid '" + selector.get("pid")
                            + "' is not a pid or comma-separated pids");
                }
                if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                OptionalLong started = ProcFs.startTicks(pid);
                if (startTicks != null && started.isPresent() && started.getAsLong() != startTicks) {
                    spared.add("pid " + pid + " is another process now: it started at tick " + started.getAsLong()
                            + ", the one named at tick " + startTicks + " (the pid was reused)");
                } else if (startTicks != null && started.isEmpty()) {
                    spared.add("pid " + pid + ": its start time cannot be read to check it is the process named");
                } else {
                    named.add(pid);
                }
            }
        } else if (selector.containsKey("exe")) {
            String exe = selector.get("exe");
            ProcessHandle.allProcesses().filter(h -> h.info().command().map(exe::equals).orElse(false))
                    .forEach(h -> named.add(h.pid()));
        } else if (selector.containsKey("top_cpu")) {
            busiestNow(host).ifPresent(named::add);
        } else {
            throw new IllegalArgumentException("no process selector in " + selector + "; expected pid, exe or top_cpu");
        }
        List<Long> out = new ArrayList<>();
        for (long pid : named) {
            Optional<String> why = host.why(pid);
            if (why.isPresent()) {
                spared.add(why.get());
            } else {
                out.add(pid);
            }
        }
        return new Selection(out, spared);
    }

    /** The selector's start_ticks, which only one pid can have; null when not given. */
    private static Long startTicks(Map<String, String> selector) {
        String t = selector.get(ProcessRef.START_TICKS);
        if (t == null) {
            return null;
        }
        if (selector.get("pid").contains(",")) {
            throw new IllegalArgumentException("selector start_ticks names one process, but pid is a list: '"
                    + selector.get("pid") + "'; give one pid with start_ticks");
        }
        try {
            return Long.parseLong(t.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("selector start_ticks '" + t + "' is not a whole number of clock "
                    + "ticks since boot (field 22 of /proc/PID/stat)");
        }
    }

    /**
     * The process using the most CPU right now, Shadow's left out: load measured between two samples
     * half a second apart (a lifetime average would pick a long-running service over a miner that just
     * started).
     */
    private Optional<Long> busiestNow(ShadowProcesses.Snapshot host) {
        Map<Integer, OSProcess> before = new java.util.HashMap<>();
        for (OSProcess p : os.getProcesses()) {
            before.put(p.getProcessID(), p);
        }
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        long best = -1;
        double load = -1;
        for (OSProcess p : os.getProcesses()) {
            OSProcess prior = before.get(p.getProcessID());
            if (prior == null || p.getUserID() == null || p.getPath().isEmpty()) {
                continue;
            }
            double l = p.getProcessCpuLoadBetweenTicks(prior);
            if (l > load && host.why(p.getProcessID()).isEmpty()) { // a busy Shadow server is not the culprit
                load = l;
                best = p.getProcessID();
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }

    /**
     * What {@link #signal} did: the pids that got the signal, those that had ended before it was sent
     * (nothing to do), and why each of the others could not be signalled.
     */
    public record Signalled(List<Long> done, List<Long> gone, Map<Long, String> failed) {
    }

    /**
     * Sends {@code signal} (STOP, CONT, KILL, TERM) to each pid, going on past a pid that fails, so that
     * the caller knows exactly which processes it reached.
     */
    public Signalled signal(List<Long> pids, String signal) {
        List<Long> done = new ArrayList<>();
        List<Long> gone = new ArrayList<>();
        Map<Long, String> failed = new java.util.LinkedHashMap<>();
        for (long pid : pids) {
            if (shadow.isAgentLine(pid)) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(kill, "-s", signal, Long.toString(pid)).redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (exitOf(p) == 0) {
                    done.add(pid);
                } else if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    gone.add(pid); // it ended since it was selected
                } else {
                    failed.put(pid, "kill -s " + signal + " " + pid + " failed: " + out);
                }
            } catch (IOException e) {
                failed.put(pid, "cannot run kill to signal " + pid + ": " + e.getMessage());
            }
        }
        return new Signalled(done, gone, failed);
    }

    /**
     * The exit status of {@code kill}, waiting through interrupts (the agent stopping): once started it
     * has signalled or not, and the caller must know which to report and undo; the interrupt is kept.
     */
    private static int exitOf(Process p) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The process state letter from /proc ({@code T} stopped, {@code S} sleeping, ...), or empty. */
    public static Optional<Character> state(long pid) {
        return io.shadow.agents.capture.ProcFs.statFields(pid).filter(f -> f.length > 0 && !f[0].isEmpty())
                .map(f -> f[0].charAt(0));
    }
}
