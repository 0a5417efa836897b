package io.shadow.agents.act;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Finds the processes a command names and signals them. Selectors: {@code pid} (one or a
 * comma-separated list), {@code exe} (every process running that executable), {@code top_cpu}
 * (the busiest process). The agent itself, its ancestors and pid 1 are never touched.
 */
public final class ProcessControl {
    private final OperatingSystem os = new SystemInfo().getOperatingSystem();
    private final Set<Long> protectedPids = new HashSet<>();

    public ProcessControl() {
        protectedPids.add(1L);
        Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        while (p.isPresent()) {
            protectedPids.add(p.get().pid());
            p = p.get().parent();
        }
    }

    /** The pids a selector names (empty when none runs); throws on a malformed selector. */
    public List<Long> select(Map<String, String> selector) {
        List<Long> out = new ArrayList<>();
        if (selector.containsKey("pid")) {
            for (String s : selector.get("pid").split(",")) {
                long pid;
                try {
                    pid = Long.parseLong(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("selector pid '" + selector.get("pid")
                            + "' is not a pid or comma-separated pids");
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    out.add(pid);
                }
            }
        } else if (selector.containsKey("exe")) {
            String exe = selector.get("exe");
            ProcessHandle.allProcesses().filter(h -> h.info().command().map(exe::equals).orElse(false))
                    .forEach(h -> out.add(h.pid()));
        } else if (selector.containsKey("top_cpu")) {
            busiestNow().ifPresent(out::add);
        } else {
            throw new IllegalArgumentException("no process selector in " + selector + "; expected pid, exe or top_cpu");
        }
        out.removeIf(protectedPids::contains);
        return out;
    }

    /**
     * The process using the most CPU right now: load measured between two samples half a second
     * apart (a lifetime average would pick a long-running service over a miner that just started).
     */
    private Optional<Long> busiestNow() {
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
            if (prior == null || protectedPids.contains((long) p.getProcessID()) || p.getUserID() == null
                    || p.getPath().isEmpty()) {
                continue;
            }
            double l = p.getProcessCpuLoadBetweenTicks(prior);
            if (l > load) {
                load = l;
                best = p.getProcessID();
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }

    /** Sends {@code signal} (STOP, CONT, KILL, TERM) to each pid; returns those that got it. */
    public List<Long> signal(List<Long> pids, String signal) {
        List<Long> done = new ArrayList<>();
        for (long pid : pids) {
            if (protectedPids.contains(pid)) {
                continue;
            }
            try {
                Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor() == 0) {
                    done.add(pid);
                } else {
                    throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: " + out);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run kill to signal " + pid + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return done;
    }

    /** The process state letter from /proc ({@code T} stopped, {@code S} sleeping, ...), or empty. */
    public static Optional<Character> state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Optional.of(stat.charAt(stat.lastIndexOf(')') + 2));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
