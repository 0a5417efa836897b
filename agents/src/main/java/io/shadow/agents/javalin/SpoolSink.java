package io.shadow.agents.javalin;

import io.shadow.agents.spool.Spool;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import java.nio.charset.StandardCharsets;

/** Appends each event to a local durable spool (an agent embedded in the application). */
public final class SpoolSink implements EventSink {
    private final Spool spool;

    public SpoolSink(Spool spool) {
        this.spool = spool;
    }

    @Override
    public void report(ActivityEvent event) {
        spool.appendOne(EventCodec.toJson(event).getBytes(StandardCharsets.UTF_8));
    }
}
