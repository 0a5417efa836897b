package io.shadow.agents.simulate;

import java.util.List;

/**
 * How one simulated principal behaves: its group, where it connects from, its clients, working
 * hours, activity rate and the operations it performs with their weights.
 */
record Persona(
        String id,
        String group,
        boolean service,
        String officeIp,
        String remoteIp,
        List<String> userAgents,
        int workStartHour,
        int workEndHour,
        double eventsPerWorkHour,
        List<Activity> activities,
        String devHost) {

    /** One kind of operation a persona performs, with its relative weight. */
    record Activity(Op op, double weight) {
    }
}
