package io.shadow.mitigation.actuate;

import io.shadow.features.ProcessRef;
import io.shadow.features.ResourceType;

/**
 * What an action is aimed at, taken from the anomaly: who, where and on what.
 *
 * @param process the process the anomaly's event is about; null when it named none, and for targets
 *     taken from an incident (which records the executable, not one process)
 */
public record ActionTarget(String tenant, String principal, String host, ResourceType resourceType,
        String resourceId, ProcessRef process) {

    /** A target not about one known process. */
    public ActionTarget(String tenant, String principal, String host, ResourceType resourceType, String resourceId) {
        this(tenant, principal, host, resourceType, resourceId, null);
    }

    /** This target, about {@code p}. */
    public ActionTarget withProcess(io.shadow.features.ProcessRef p) {
        return new ActionTarget(tenant, principal, host, resourceType, resourceId, p);
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (principal != null) {
            sb.append("principal ").append(principal);
        }
        if (host != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("host ").append(host);
        }
        if (resourceId != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append(resourceType.wireName()).append(' ').append(resourceId);
        }
        return sb.toString();
    }
}
