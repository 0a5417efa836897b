package io.shadow.agents.capture;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.EventIds;
import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Process starts and exits, found by comparing the process table between polls (OSHI): a new PID
 * is a {@code launch} with its executable, command line, user, parent and start time
 * ({@code start_ticks}, {@link ProcFs#startTicks}: with the pid it names this very process, which a
 * process action checks); a vanished one an
 * {@code exit}. Processes that live shorter than the poll interval are missed, a documented limit
 * of table polling (an eBPF or audit-subsystem source would see them). Processes running when the
 * agent starts are not reported as launches.
 */
public final class ProcessSource implements Source {
    private final String tenant;
    private final String host;
    private final Clock clock;
    private final OperatingSystem os;
    private Map<Integer, OSProcess> known = new HashMap<>();
    /** Start times read while the processes ran, for their exit events too. */
    private Map<Integer, Long> startTicks = new HashMap<>();

    /** Process events held for a retry after the sink refused them. */
    static final int MAX_UNSENT = 10_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessSource.class);
    private List<String> unsent = new ArrayList<>();
    private long dropped;

    public ProcessSource(String tenant, String host, Clock clock) {
        this.tenant = tenant;
        this.host = host;
        this.clock = clock;
        this.os = new SystemInfo().getOperatingSystem();
        for (OSProcess p : os.getProcesses()) {
            p.getCommandLine(); // OSHI reads it lazily; read it while the process is alive, for its exit event
            known.put(p.getProcessID(), p);
            ProcFs.startTicks(p.getProcessID()).ifPresent(t -> startTicks.put(p.getProcessID(), t));
        }
    }

    @Override
    public String name() {
        return "processes";
    }

    @Override
    public int poll(Sink sink) {
        Instant now = clock.instant();
        Map<Integer, OSProcess> current = new HashMap<>();
        for (OSProcess p : os.getProcesses()) {
            current.put(p.getProcessID(), p);
        }
        Map<Integer, Long> ticks = new HashMap<>();
        List<String> lines = new ArrayList<>();
        for (var e : current.entrySet()) {
            OSProcess before = known.get(e.getKey());
            OSProcess p = e.getValue();
            if (before == null || before.getStartTime() != p.getStartTime()) {
                ProcFs.startTicks(p.getProcessID()).ifPresent(t -> ticks.put(p.getProcessID(), t));
                lines.add(event("launch", p, ticks.get(p.getProcessID()), now));
            } else {
                e.setValue(before); // keeps the command line read while it ran, for the exit event
                Long t = startTicks.get(e.getKey());
                if (t != null) {
                    ticks.put(e.getKey(), t);
                }
            }
        }
        for (var e : known.entrySet()) {
            OSProcess after = current.get(e.getKey());
            if (after == null || after.getStartTime() != e.getValue().getStartTime()) {
                lines.add(event("exit", e.getValue(), startTicks.get(e.getKey()), now));
            }
        }
        known = current;
        startTicks = ticks;
        if (!unsent.isEmpty()) { // refused before (a full spool): they go first, in order
            unsent.addAll(lines);
            lines = unsent;
            unsent = new ArrayList<>();
        }
        if (!lines.isEmpty()) {
            try {
                sink.accept(lines);
            } catch (RuntimeException refused) {
                // a process that started and ended while the spool was full is only in these lines: they are
                // kept for the next poll (at most MAX_UNSENT; older ones go first, counted and logged)
                int over = lines.size() - MAX_UNSENT;
                if (over > 0) {
                    dropped += over;
                    LOG.warn("{} process event(s) dropped: the spool refused them for too long (at most {} are held "
                            + "for a retry; {} dropped since start)", over, MAX_UNSENT, dropped);
                    lines = new ArrayList<>(lines.subList(over, lines.size()));
                }
                unsent = lines;
                throw refused;
            }
        }
        return lines.size();
    }

    private String event(String op, OSProcess p, Long startTicks, Instant now) {
        Map<String, String> raw = new HashMap<>();
        raw.put(ProcessRef.PID, Integer.toString(p.getProcessID()));
        if (startTicks != null) { // with the pid it names this process for good: pids are reused
            raw.put(ProcessRef.START_TICKS, Long.toString(startTicks));
        }
        raw.put("ppid", Integer.toString(p.getParentProcessID()));
        String cmd = p.getCommandLine();
        raw.put("cmdline", cmd == null ? "" : cmd.length() > 2048 ? cmd.substring(0, 2048) : cmd);
        String exe = p.getPath() == null || p.getPath().isEmpty() ? p.getName() : p.getPath();
        String user = p.getUser() == null || p.getUser().isBlank() ? null : p.getUser();
        // the pid and start time are part of the id: two processes of one executable starting in the same
        // poll are two events (a derived id from the fields alone would make ingest keep one of them)
        return EventCodec.toJson(ActivityEvent.builder().tenant(tenant).time(now)
                .eventId(EventIds.derive(tenant, now, "process", op, host, p.getProcessID(), p.getStartTime(), exe))
                .eventClass(EventClass.PROCESS_ACTIVITY).operation(op).host(host).principal(user)
                .resourceType(ResourceType.PROCESS).resourceId(exe).raw(raw).build());
    }
}
