package io.shadow.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs independent actions at the same time: writes of different tables from one persisted input
 * (one's driver-side work, planning and Delta log reads and commits, overlaps the other's tasks),
 * or nightly steps that do not read each other's output. The first action runs on the caller's
 * thread, each other one on a new thread started from it, so it inherits the caller's Spark local
 * properties (job group and description). Returns when all have finished; the first failure is
 * rethrown with the others' failures suppressed.
 */
public final class SideBySide {
    private SideBySide() {
    }

    public static void run(Runnable... actions) {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int i = 1; i < actions.length; i++) {
            Runnable a = actions[i];
            Thread t = new Thread(() -> {
                try {
                    a.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "shadow-side-by-side-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            actions[0].run();
        } catch (Throwable e) {
            failures.add(0, e);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            if (first instanceof RuntimeException r) {
                throw r;
            }
            if (first instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(first);
        }
    }
}
