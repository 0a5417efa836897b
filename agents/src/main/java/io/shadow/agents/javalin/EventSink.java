package io.shadow.agents.javalin;

import io.shadow.features.ActivityEvent;

/** Where an application's reporter sends the events of the calls it served. */
@FunctionalInterface
public interface EventSink {
    void report(ActivityEvent event);
}
