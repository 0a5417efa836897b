package io.shadow.mitigation.actuate;

import io.shadow.features.ResourceType;

/** What an action is aimed at, taken from the anomaly: who, where and on what. */
public record ActionTarget(String tenant, String principal, String host, ResourceType resourceType,
        String resourceId) {

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
