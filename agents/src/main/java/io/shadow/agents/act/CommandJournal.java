package io.shadow.agents.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What this agent has done with Shadow's commands, on disk, so that no command runs twice: a
 * command is journalled as started (fsync) before it runs and with its result after. A command
 * seen again — its acknowledgement was lost, or the agent restarted — is acknowledged from the
 * journal instead of being run again; one that was started but has no result (the agent died
 * while running it) is acknowledged as failed with that reason, since re-running a kill or an
 * isolation blind could hit another process. Lines are JSON; only the newest
 * {@value #KEEP} commands are kept when the journal is compacted at start.
 */
public final class CommandJournal {
    static final int KEEP = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Map<String, Optional<CommandExecutor.Result>> entries = new LinkedHashMap<>();

    public CommandJournal(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    read(line);
                }
            }
            compact();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent's command journal " + file
                    + "; it lives in spool.dir, which must be writable", e);
        }
    }

    /** The journalled outcome of a command: empty when never seen, a result when done or interrupted. */
    public synchronized Optional<CommandExecutor.Result> outcome(String id, String action) {
        Optional<CommandExecutor.Result> e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        return Optional.of(e.orElseGet(() -> new CommandExecutor.Result(id, action, false,
                "the agent stopped while executing this command; it was not run again (check the host)",
                List.of())));
    }

    /**
     * Records that a command is about to run; throws, leaving it unseen, when the journal cannot be
     * written (a full disk): the command then stays pending at Shadow and runs once it can be recorded,
     * rather than running with no record that could keep it from running twice.
     */
    public synchronized void started(String id, String action) {
        append(JSON.createObjectNode().put("id", id).put("action", action).put("state", "started").toString());
        entries.put(id, Optional.empty());
    }

    public synchronized void done(CommandExecutor.Result r) {
        entries.put(r.commandId(), Optional.of(r));
        append(line(r.commandId(), Optional.of(r)));
    }

    private void read(String line) {
        if (line.isBlank()) {
            return;
        }
        try {
            JsonNode n = JSON.readTree(line);
            String id = n.path("id").asText();
            if (n.path("state").asText().equals("done")) {
                List<Long> pids = new ArrayList<>();
                n.path("pids").forEach(p -> pids.add(p.asLong()));
                entries.put(id, Optional.of(new CommandExecutor.Result(id, n.path("action").asText(),
                        n.path("ok").asBoolean(), n.path("detail").asText(), pids)));
            } else {
                entries.putIfAbsent(id, Optional.empty());
            }
        } catch (IOException e) {
            // a torn last line (power cut while appending): the command it named is treated as never seen
        }
    }

    private void compact() throws IOException {
        List<Map.Entry<String, Optional<CommandExecutor.Result>>> all = new ArrayList<>(entries.entrySet());
        entries.clear();
        for (Map.Entry<String, Optional<CommandExecutor.Result>> e : all.subList(Math.max(0, all.size() - KEEP),
                all.size())) {
            entries.put(e.getKey(), e.getValue());
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Optional<CommandExecutor.Result>> e : entries.entrySet()) {
            text.append(line(e.getKey(), e.getValue())).append('\n');
        }
        io.shadow.agents.spool.DurableFile.replace(file, file.resolveSibling(file.getFileName() + ".tmp"),
                text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String line(String id, Optional<CommandExecutor.Result> r) {
        if (r.isEmpty()) {
            return JSON.createObjectNode().put("id", id).put("state", "started").toString();
        }
        ObjectNode n = JSON.createObjectNode().put("id", id).put("action", r.get().action()).put("state", "done")
                .put("ok", r.get().ok()).put("detail", r.get().detail());
        r.get().pids().forEach(n.putArray("pids")::add);
        return n.toString();
    }

    private void append(String n) {
        // a stream, not a channel: an interrupt (the agent stopping) must not lose the record
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toFile(), true)) {
            long before = out.getChannel().size();
            try {
                out.write((n + "\n").getBytes(StandardCharsets.UTF_8));
                out.getFD().sync();
            } catch (IOException e) {
                // a part of the line written (a full disk) would glue the next record to it: cut it off
                try {
                    out.getChannel().truncate(before);
                } catch (IOException cut) {
                    e.addSuppressed(cut);
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent's command journal " + file + " (" + e.getMessage()
                    + "); commands stay pending at Shadow until it can be written: free space in spool.dir", e);
        }
    }
}
