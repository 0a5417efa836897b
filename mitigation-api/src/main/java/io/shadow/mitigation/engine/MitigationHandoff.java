package io.shadow.mitigation.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.shadow.features.files.OwnerOnly;
import io.shadow.features.signal.Assessment;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.StoreException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the scorer's assessments to the {@link MitigationEngine}, and keeps them when the store is
 * unavailable (the database stopped or unreachable, its disk full) instead of failing the scoring
 * request: such assessments are <em>held</em> in arrival order, in memory, and handed over again
 * every {@code retryEvery} until the store answers, so an attack scored during a database restart is
 * still mitigated once it is back. While any are held, new assessments queue behind them (an entity's
 * anomalies keep their order, except one that raced the first failure on another thread). Only
 * assessments of which nothing was put in force are held: when actions were applied and the store
 * failed before recording them, acting again would repeat them, so that is an ERROR naming what is
 * in force ({@link IncompleteMitigationException}, outcome {@code incomplete}), not a retry. At most {@code capacity} are held; beyond that the lowest-risk one is
 * dropped with an ERROR line naming its anomaly.
 *
 * <p>Held assessments are also kept in {@code heldFile} (JSON lines), so a process killed outright
 * (SIGKILL, out of memory) loses none: each is appended, and flushed to the operating system, as it
 * is held, and each one handed over or dropped is followed by a line {@code {"done": "<anomaly
 * id>"}}, so the next start hands over exactly those still held. The file is rewritten without
 * them when the store fails again, and removed once all are handed over; {@link #close()} tries
 * once more and saves what is left. Only an assessment being handed over at the very moment of a
 * kill (acted on, its "done" line not yet written) can be handed over again. (A machine that
 * loses power can lose what the operating system had not yet written; the store's own outage is
 * the case this is for.)
 */
public final class MitigationHandoff implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MitigationHandoff.class);
    /** How often a WARN line repeats that assessments are still held. */
    private static final Duration REMIND_EVERY = Duration.ofMinutes(1);
    /** As the API reads assessments ({@code POST /v1/assessments}). */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Function<Assessment, Outcome> engine;
    private final Function<Assessment, Band> bandOf;
    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Assessment> held = new ArrayDeque<>();
    private final ScheduledExecutorService retry;
    /** Where held assessments are kept between runs; null: not kept. */
    private final Path heldFile;
    private boolean heldFileLoaded;
    /** Appends held assessments to {@code heldFile} while some are held; null when closed. */
    private BufferedWriter journal;
    /** {@code heldFile} still lists assessments handed over or dropped since it was last written whole. */
    private boolean journalStale;
    /** Writing {@code heldFile} failed in this outage (logged once). */
    private boolean journalFailed;
    /** The field of a line saying the assessment of that anomaly was handed over or dropped. */
    private static final String DONE = "done";
    private long dropped;
    /** Handed over late and dropped since the outage began, for the line that reports its end. */
    private long handedInOutage;
    private long droppedInOutage;
    private Instant outageSince;
    private Instant lastReminder;

    /**
     * @param heldFile where assessments still held at {@link #close()} are saved, and read back from
     *     at the next start (null: not saved)
     */
    public MitigationHandoff(MitigationEngine engine, int capacity, Duration retryEvery, Clock clock, Path heldFile) {
        this(engine::handle, engine::bandOf, capacity, retryEvery, clock, heldFile);
    }

    MitigationHandoff(Function<Assessment, Outcome> engine, Function<Assessment, Band> bandOf, int capacity,
            Duration retryEvery, Clock clock, Path heldFile) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.engine = engine;
        this.bandOf = bandOf;
        this.capacity = capacity;
        this.clock = clock;
        this.heldFile = heldFile;
        loadHeldFile();
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mitigation-handoff-retry");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, retryEvery.toMillis());
        retry.scheduleWithFixedDelay(this::retrySafely, every, every, TimeUnit.MILLISECONDS);
    }

    /** The scheduled retry: whatever it meets, it runs again at the next tick (a throw would end it for good). */
    private void retrySafely() {
        try {
            retryHeld(Long.MAX_VALUE);
            synchronized (this) {
                if (journalStale && !held.isEmpty()) {
                    saveHeld();
                }
            }
        } catch (Throwable t) {
            LOG.error("handing held assessments over failed; retried at the next tick", t);
        }
    }

    /**
     * Acts on {@code a} now, or holds it when the store is unavailable (or others are held); the
     * outcome is then {@code held} with the band it will be acted on in. A store refusing the
     * statement itself (not an outage) is thrown, as are invalid assessments.
     */
    public Outcome accept(Assessment a) {
        synchronized (this) {
            if (!held.isEmpty()) {
                return hold(a);
            }
        }
        try {
            return engine.apply(a);
        } catch (IncompleteMitigationException e) {
            LOG.error(e.getMessage(), e);
            return new Outcome("incomplete", bandOf.apply(a), null, null);
        } catch (StoreException e) {
            if (!e.isTransient()) {
                throw e;
            }
            synchronized (this) {
                if (outageSince == null) {
                    outageBegins();
                    LOG.warn("mitigation store unavailable: {}. Holding assessments in memory (up to {}) and handing "
                            + "them over again until it answers", e.reason(), capacity);
                }
                return hold(a);
            }
        }
    }

    /** Assessments held now, waiting for the store. */
    public synchronized int held() {
        return held.size();
    }

    /** Assessments dropped because {@code capacity} were already held. */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * Hands held assessments over, oldest first, until the store fails again, the thread is
     * interrupted or {@code deadlineNanos} (System.nanoTime) passes; returns how many it handed over.
     */
    int retryHeld(long deadlineNanos) {
        int done = 0;
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() - deadlineNanos < 0) {
            Assessment next;
            synchronized (this) {
                next = held.peekFirst();
                if (next == null) {
                    recovered();
                    return done;
                }
            }
            try {
                engine.apply(next);
            } catch (RuntimeException e) {
                if (e instanceof StoreException s && s.isTransient()) {
                    remind(s);
                    return done;
                }
                // refused by the store, invalid, or in force but unrecorded: another try cannot help
                LOG.error("held assessment of anomaly {} could not be handed over, dropped", idOf(next), e);
                drop(next);
                continue;
            }
            synchronized (this) {
                removeIdentity(next);
                handedInOutage++;
                journalStale = true;
                appendDone(next);
            }
            done++;
        }
        return done;
    }

    private static String idOf(Assessment a) {
        return a.anomaly() == null ? "(none)" : a.anomaly().anomalyId();
    }

    /**
     * Stops retrying: saves what is held first (so a stop that does not wait loses nothing), then
     * hands over what it can within a few seconds and saves again what is left; names every
     * assessment it could not hand over.
     */
    @Override
    public void close() {
        retry.shutdownNow();
        boolean stopped;
        try {
            stopped = retry.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        synchronized (this) {
            if (held.isEmpty()) { // removed when the last was handed over, unless the stop interrupted that
                closeJournal();
                removeHeldFile();
                return;
            }
        }
        saveHeld();
        if (stopped) { // never two threads handing the same assessment over
            retryHeld(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        List<String> lost;
        synchronized (this) {
            lost = held.stream().map(a -> idOf(a) + " (" + (a.anomaly() == null ? "?" : a.anomaly().entity())
                    + ", risk " + (a.risk() == null ? "?" : Math.round(a.risk().score())) + ")").toList();
        }
        if (lost.isEmpty()) {
            return;
        }
        if (saveHeld()) {
            LOG.warn("stopping with {} assessments not yet mitigated (the mitigation store unavailable since {}); "
                    + "saved to {}, handed over at the next start: {}", lost.size(), outageSince, heldFile, lost);
        } else {
            LOG.error("stopping with {} assessments not mitigated: the mitigation store was unavailable since {}. "
                    + "Re-score their events once it is back: {}", lost.size(), outageSince, lost);
        }
    }

    /** Writes the held assessments to {@code heldFile} (whole or not at all); false when none could be kept. */
    private synchronized boolean saveHeld() {
        if (heldFile == null) {
            return false;
        }
        closeJournal(); // the next append opens the new file
        Path tmp = heldFile.resolveSibling(heldFile.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            OwnerOnly.createFile(tmp); // assessments name principals, hosts and resources: not for other users
        } catch (IOException e) {
            journalFailure("cannot save held assessments to " + heldFile, e);
            return false;
        }
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (Assessment a : held) {
                w.write(JSON.writeValueAsString(a));
                w.newLine();
            }
        } catch (IOException e) {
            journalFailure("cannot save held assessments to " + heldFile, e);
            return false;
        }
        try {
            Files.move(tmp, heldFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            heldFileLoaded = true; // the file now holds them: removed once they are all handed over
            journalStale = false;
            return true;
        } catch (IOException e) {
            journalFailure("cannot save held assessments to " + heldFile, e);
            return false;
        }
    }

    /** Reads what an earlier run saved, to hand it over first. */
    private void loadHeldFile() {
        if (heldFile == null || !Files.exists(heldFile)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(heldFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("cannot read held assessments from {} ({}); they are not mitigated", heldFile, e.toString());
            return;
        }
        List<Assessment> read = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonNode line = JSON.readTree(lines.get(i));
                if (line != null && line.path(DONE).isTextual()) {
                    done.add(line.path(DONE).asText());
                    continue;
                }
                Assessment a = JSON.treeToValue(line, Assessment.class);
                if (a == null || a.anomaly() == null || a.risk() == null) {
                    LOG.error("{} line {} has no anomaly or risk; skipped", heldFile, i + 1);
                    continue;
                }
                read.add(a);
            } catch (IOException e) {
                LOG.error("{} line {} is not an assessment ({}); skipped", heldFile, i + 1, e.getMessage());
            }
        }
        for (Assessment a : read) {
            if (!done.contains(a.anomaly().anomalyId())) {
                held.addLast(a);
            }
        }
        int n = held.size();
        heldFileLoaded = true;
        journalStale = n < lines.stream().filter(l -> !l.isBlank()).count();
        while (held.size() > capacity) { // the file of a run with a larger capacity, or killed before a rewrite
            dropLowest(null);
            journalStale = true;
        }
        outageBegins();
        LOG.info("{} assessments held when the last run stopped (the mitigation store was unavailable) read from {}; "
                + "handing them over now", n, heldFile);
    }

    private void outageBegins() {
        outageSince = clock.instant();
        lastReminder = outageSince;
    }

    private Outcome hold(Assessment a) {
        if (held.size() >= capacity) {
            if (dropLowest(a) == a) {
                return new Outcome("dropped", bandOf.apply(a), null, null);
            }
            journalStale = true;
        }
        held.addLast(a);
        append(a);
        return new Outcome("held", bandOf.apply(a), null, null);
    }

    /** Drops the lowest-risk of the held assessments and {@code newcomer} (if any); returns it. */
    private Assessment dropLowest(Assessment newcomer) {
        Assessment lowest = newcomer;
        for (Assessment h : held) {
            if (lowest == null || h.risk().score() < lowest.risk().score()) {
                lowest = h;
            }
        }
        dropped++;
        droppedInOutage++;
        LOG.error("{} assessments already held while the mitigation store is unavailable; dropped the "
                + "lowest-risk one, anomaly {} ({}, risk {})", capacity, lowest.anomaly().anomalyId(),
                lowest.anomaly().entity(), Math.round(lowest.risk().score()));
        if (lowest != newcomer) {
            removeIdentity(lowest);
            appendDone(lowest);
        }
        return lowest;
    }

    /** Appends {@code a} to {@code heldFile}, so that a process killed outright does not lose it. */
    private void append(Assessment a) {
        try {
            appendLine(JSON.writeValueAsString(a));
        } catch (IOException e) {
            journalFailure("cannot keep held assessments in " + heldFile, e);
        }
    }

    /** Notes in {@code heldFile} that {@code a} was handed over or dropped, so the next start skips it. */
    private void appendDone(Assessment a) {
        if (journal == null && !heldFileLoaded) {
            return; // nothing of it was written
        }
        try {
            appendLine(JSON.writeValueAsString(java.util.Map.of(DONE, idOf(a))));
        } catch (IOException e) {
            journalFailure("cannot note a handed-over assessment in " + heldFile, e);
        }
    }

    private void appendLine(String line) throws IOException {
        if (heldFile == null) {
            return;
        }
        if (journal == null) {
            OwnerOnly.createFile(heldFile);
            journal = Files.newBufferedWriter(heldFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            heldFileLoaded = true; // removed once they are all handed over
        }
        journal.write(line);
        journal.newLine();
        journal.flush();
    }

    /** The file no longer says what is held: rewritten whole at the next retry; logged once per outage. */
    private void journalFailure(String what, IOException e) {
        closeJournal();
        journalStale = true; // a torn last line is dropped by the rewrite
        if (!journalFailed) {
            journalFailed = true;
            LOG.error("{} ({}); held assessments stay in memory, and a process killed before the file can be "
                    + "written again loses them", what, e.toString());
        }
    }

    private void closeJournal() {
        if (journal == null) {
            return;
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing {} failed: {}", heldFile, e.toString());
        }
        journal = null;
    }

    private synchronized void drop(Assessment a) {
        removeIdentity(a);
        journalStale = true;
        appendDone(a);
        dropped++;
        droppedInOutage++;
    }

    private void removeIdentity(Assessment a) {
        for (Iterator<Assessment> it = held.iterator(); it.hasNext(); ) {
            if (it.next() == a) {
                it.remove();
                return;
            }
        }
    }

    private void recovered() {
        closeJournal();
        journalStale = false;
        journalFailed = false;
        removeHeldFile();
        if (outageSince != null) {
            LOG.info("mitigation store available again after {} s; {} held assessments handed over, {} dropped",
                    Duration.between(outageSince, clock.instant()).toSeconds(), handedInOutage, droppedInOutage);
            outageSince = null;
            handedInOutage = 0;
            droppedInOutage = 0;
        }
    }

    private void removeHeldFile() {
        if (!heldFileLoaded) {
            return;
        }
        try {
            Files.deleteIfExists(heldFile);
            heldFileLoaded = false;
        } catch (IOException e) {
            LOG.warn("cannot remove {} after handing its assessments over ({}); it lists them as done, so the next "
                    + "start hands none of them over again", heldFile, e.toString());
        }
    }

    private synchronized void remind(StoreException e) {
        Instant now = clock.instant();
        if (lastReminder != null && Duration.between(lastReminder, now).compareTo(REMIND_EVERY) >= 0) {
            lastReminder = now;
            LOG.warn("mitigation store still unavailable ({}); {} assessments held since {}", e.reason(), held.size(),
                    outageSince);
        }
    }

    /** Held assessments, oldest first (a copy). */
    synchronized List<Assessment> heldNow() {
        return new ArrayList<>(held);
    }
}
