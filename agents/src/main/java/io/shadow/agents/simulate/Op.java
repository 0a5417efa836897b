package io.shadow.agents.simulate;

import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import java.util.List;

/**
 * A template for one kind of simulated event: OCSF class, operation, resource type, the resources
 * it picks from, and log-normal sizes of the bytes it moves (median 0 = none).
 */
record Op(EventClass eventClass, String operation, ResourceType resourceType, List<String> resources,
        double bytesOutMedian, double bytesInMedian, double sigma) {

    static Op api(String operation, ResourceType type, List<String> resources) {
        return new Op(EventClass.API_ACTIVITY, operation, type, resources, 2_000, 500, 0.6);
    }

    static Op read(String operation, ResourceType type, List<String> resources, double bytesOut) {
        EventClass cls = type == ResourceType.DATABASE ? EventClass.DATASTORE_ACTIVITY : EventClass.API_ACTIVITY;
        return new Op(cls, operation, type, resources, bytesOut, 800, 1.0);
    }

    static Op write(String operation, ResourceType type, List<String> resources, double bytesIn) {
        return new Op(EventClass.API_ACTIVITY, operation, type, resources, 1_000, bytesIn, 1.0);
    }

    static Op exec(List<String> executables) {
        return new Op(EventClass.PROCESS_ACTIVITY, "launch", ResourceType.PROCESS, executables, 0, 0, 0);
    }
}
