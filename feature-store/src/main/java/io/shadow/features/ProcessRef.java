package io.shadow.features;

import java.util.Optional;

/**
 * One process on a host, as a process event names it in {@code raw}: its {@code pid} and, where the
 * source knows it, {@code start_ticks} (when the kernel started it, in clock ticks since boot: field
 * 22 of {@code /proc/PID/stat}). A pid alone may have been reused by another process since; the pid
 * with its start time cannot have been.
 *
 * @param startTicks null when the source did not say
 */
public record ProcessRef(long pid, Long startTicks) {
    /** The {@code raw} field with the process id. */
    public static final String PID = "pid";
    /** The {@code raw} field with the process's start time, in clock ticks since boot. */
    public static final String START_TICKS = "start_ticks";

    /**
     * The process a process event is about; empty for other events and for process events without
     * a whole-number pid (a malformed start time is left out, not guessed).
     */
    public static Optional<ProcessRef> of(ActivityEvent e) {
        if (e.resourceType() != ResourceType.PROCESS) {
            return Optional.empty();
        }
        Long pid = number(e.raw().get(PID));
        if (pid == null || pid <= 0) {
            return Optional.empty();
        }
        return Optional.of(new ProcessRef(pid, number(e.raw().get(START_TICKS))));
    }

    private static Long number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
