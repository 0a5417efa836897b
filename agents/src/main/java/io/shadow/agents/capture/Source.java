package io.shadow.agents.capture;

import java.io.IOException;
import java.util.List;

/**
 * A capture source. {@link #poll} reads what is new and hands it to the sink, which returns only
 * once the lines are durable (appended to the spool); the source records its progress only after
 * that, so a crash re-reads rather than loses (downstream de-duplicates by event id).
 */
public interface Source extends AutoCloseable {

    /** Receives lines to ship; returns when they are durable. */
    @FunctionalInterface
    interface Sink {
        void accept(List<String> lines);
    }

    String name();

    /** Reads what is new; returns the number of lines handed over. */
    int poll(Sink sink) throws IOException;

    @Override
    default void close() throws IOException {
    }
}
