package io.shadow.agents.capture;

import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;

/** What a source record maps to: an event, a rejection with its reason, or nothing (not an activity). */
public sealed interface Mapped {
    /** The line to ship, or null for {@link Skipped}. */
    String line();

    /** A record that became an event. */
    record Event(ActivityEvent event) implements Mapped {
        @Override
        public String line() {
            return EventCodec.toJson(event);
        }
    }

    /** A record that could not be mapped; shipped so ingest quarantines it with the reason. */
    record Rejected(String source, String field, String reason, String record) implements Mapped {
        @Override
        public String line() {
            return EventCodec.rejected(source, field, reason, record);
        }
    }

    /** A record that is not an activity (an audit log's intermediate stage, say). */
    record Skipped() implements Mapped {
        @Override
        public String line() {
            return null;
        }
    }
}
