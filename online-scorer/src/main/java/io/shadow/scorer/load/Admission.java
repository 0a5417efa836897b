package io.shadow.scorer.load;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the scoring work in progress: at most {@code maxInFlight} requests are scored at once,
 * at most {@code maxQueued} wait for a slot (in arrival order), and none waits longer than
 * {@code timeout}. A request that finds the queue full, or waits too long, is turned away at
 * once, so overload costs a quick answer instead of a timeout or unbounded memory.
 */
public final class Admission {
    /** What became of a request that asked to enter. */
    public enum Verdict {
        ADMITTED,
        /** The queue was full: the caller sends too much at once (429). */
        QUEUE_FULL,
        /** It waited {@code timeout} without a slot: the scorer cannot keep up (503). */
        TIMED_OUT
    }

    private final int maxInFlight;
    private final int maxQueued;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition freed = lock.newCondition();
    private int inFlight;
    private int queued;

    public Admission(int maxInFlight, int maxQueued, Duration timeout) {
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Enters, waiting for a slot if need be; every {@code ADMITTED} must be followed by {@link #leave}. */
    public Verdict enter() throws InterruptedException {
        lock.lock();
        try {
            if (inFlight < maxInFlight && queued == 0) {
                inFlight++;
                return Verdict.ADMITTED;
            }
            if (queued >= maxQueued) {
                return Verdict.QUEUE_FULL;
            }
            queued++;
            try {
                long left = timeoutNanos;
                while (inFlight >= maxInFlight) {
                    if (left <= 0) {
                        return Verdict.TIMED_OUT;
                    }
                    left = freed.awaitNanos(left);
                }
                inFlight++;
                return Verdict.ADMITTED;
            } finally {
                queued--;
            }
        } finally {
            lock.unlock();
        }
    }

    public void leave() {
        lock.lock();
        try {
            inFlight--;
            freed.signal();
        } finally {
            lock.unlock();
        }
    }

    public int inFlight() {
        return inFlight;
    }

    /** Requests waiting for a slot now. */
    public int queued() {
        return queued;
    }

    public int maxInFlight() {
        return maxInFlight;
    }
}
