package io.shadow.mitigation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.signal.Assessment;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a process killed outright (SIGKILL, out of memory) leaves in the held-assessments file: the
 * file is copied at the moment of the "kill" and a new hand-off started on the copy, as the next
 * start would. (StoreOutageTest runs the hand-off against a real database that stops and restarts.)
 */
class MitigationHandoffTest {
    @TempDir
    Path dir;
    private final AtomicBoolean storeDown = new AtomicBoolean(true);
    private final List<String> acted = new CopyOnWriteArrayList<>();
    private final List<MitigationHandoff> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(MitigationHandoff::close);
    }

    /** A store outage as the JDBC layer reports it (connection refused). */
    private static StoreException outage() {
        try {
            var c = StoreException.class.getDeclaredConstructor(SQLException.class);
            c.setAccessible(true);
            return c.newInstance(new SQLException("Connection refused", "08001"));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private MitigationHandoff handoff(int capacity, Path file, Function<Assessment, Outcome> beforeActing) {
        MitigationHandoff h = new MitigationHandoff(a -> {
            if (storeDown.get()) {
                throw outage();
            }
            beforeActing.apply(a);
            acted.add(a.anomaly().principal());
            return new Outcome("mitigated", Band.HIGH, "inc-1", "mit-1");
        }, a -> Band.HIGH, capacity, Duration.ofHours(1), Clock.systemUTC(), file);
        started.add(h);
        return h;
    }

    private static long in30s() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    }

    @Test
    void aKillWhileHandingOverLeavesOnlyWhatWasNotYetHandedOver() throws Exception {
        Path file = dir.resolve("held-assessments.jsonl");
        Path leftByTheKill = dir.resolve("killed.jsonl");
        MitigationHandoff first = handoff(100, file, a -> {
            if (a.anomaly().principal().equals("u-3")) { // killed while u-3 is handed over, after u-2 was
                try {
                    Files.copy(file, leftByTheKill);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return null;
        });
        first.accept(Assessments.risk(90).principal("u-2").build());
        first.accept(Assessments.risk(90).principal("u-3").build());
        storeDown.set(false);
        assertThat(first.retryHeld(in30s())).isEqualTo(2);
        acted.clear();

        MitigationHandoff next = handoff(100, leftByTheKill, a -> null);
        assertThat(next.heldNow()).extracting(a -> a.anomaly().principal())
                .as("u-2 was handed over before the kill: not again").containsExactly("u-3");
        assertThat(next.retryHeld(in30s())).isEqualTo(1);
        assertThat(acted).containsExactly("u-3");
        assertThat(leftByTheKill).as("removed once handed over").doesNotExist();
    }

    @Test
    void anAssessmentDroppedForCapacityIsNotHandedOverAfterAKill() throws Exception {
        Path file = dir.resolve("held-assessments.jsonl");
        MitigationHandoff first = handoff(1, file, a -> null);
        first.accept(Assessments.risk(70).principal("u-2").build());
        assertThat(first.accept(Assessments.risk(95).principal("u-3").build()).kind()).isEqualTo("held");
        assertThat(first.dropped()).isEqualTo(1);

        Path leftByTheKill = Files.copy(file, dir.resolve("killed.jsonl"));
        MitigationHandoff next = handoff(1, leftByTheKill, a -> null);

        assertThat(next.heldNow()).extracting(a -> a.anomaly().principal()).containsExactly("u-3");
        assertThat(next.dropped()).as("nothing more to drop").isZero();
    }
}
