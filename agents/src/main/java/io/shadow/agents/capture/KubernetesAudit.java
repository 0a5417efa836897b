package io.shadow.agents.capture;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps Kubernetes API-server audit events ({@code audit.k8s.io/v1}, one JSON object per line) to
 * events. Only the final stage of a request ({@code ResponseComplete} or {@code Panic}) is an
 * activity; earlier stages are skipped, so a request counts once. {@code auditID} is the event id.
 * Operations read {@code "<verb> <resource>"}, e.g. {@code "create clusterrolebindings"}.
 */
public final class KubernetesAudit {
    public static final String SOURCE = "k8s-audit";
    private static final Set<String> IDENTITY = Set.of("secrets", "serviceaccounts", "roles", "rolebindings",
            "clusterroles", "clusterrolebindings", "certificatesigningrequests", "tokenreviews",
            "subjectaccessreviews", "serviceaccounts/token");
    private static final Set<String> NETWORK = Set.of("services", "ingresses", "networkpolicies", "endpoints",
            "endpointslices", "gateways", "httproutes");
    private static final Set<String> STORAGE = Set.of("configmaps", "persistentvolumes", "persistentvolumeclaims",
            "storageclasses", "volumesnapshots");

    private KubernetesAudit() {
    }

    public static Mapped mapLine(String line, String tenant) {
        JsonNode n;
        try {
            n = EventCodec.mapper().readTree(line);
        } catch (IOException e) {
            return new Mapped.Rejected(SOURCE, null, "not valid JSON", line);
        }
        return map(n, tenant, line);
    }

    static Mapped map(JsonNode n, String tenant, String raw) {
        if (!n.isObject() || !"Event".equals(n.path("kind").asText())) {
            return new Mapped.Rejected(SOURCE, "kind", "not an audit.k8s.io Event (kind '" + n.path("kind").asText()
                    + "')", raw);
        }
        String stage = n.path("stage").asText("");
        if (!stage.equals("ResponseComplete") && !stage.equals("Panic")) {
            return new Mapped.Skipped();
        }
        String verb = n.path("verb").asText(null);
        String user = n.path("user").path("username").asText(null);
        String ts = n.path("stageTimestamp").asText(n.path("requestReceivedTimestamp").asText(null));
        if (verb == null || user == null || ts == null) {
            String field = verb == null ? "verb" : user == null ? "user.username" : "stageTimestamp";
            return new Mapped.Rejected(SOURCE, field, "missing " + field, raw);
        }
        Instant time;
        try {
            time = Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return new Mapped.Rejected(SOURCE, "stageTimestamp", "'" + ts + "' is not an RFC 3339 time", raw);
        }
        JsonNode obj = n.path("objectRef");
        String resource = obj.path("resource").asText("");
        if (obj.hasNonNull("subresource")) {
            resource = resource + "/" + obj.get("subresource").asText();
        }
        int code = n.path("responseStatus").path("code").asInt(0);
        Map<String, String> rawFields = new LinkedHashMap<>();
        rawFields.put("requestURI", n.path("requestURI").asText(""));
        rawFields.put("stage", stage);
        if (code != 0) {
            rawFields.put("responseStatus.code", Integer.toString(code));
        }
        if (n.path("user").has("groups")) {
            rawFields.put("user.groups", n.path("user").get("groups").toString());
        }
        if (n.path("impersonatedUser").has("username")) {
            rawFields.put("impersonatedUser", n.path("impersonatedUser").path("username").asText());
        }
        ActivityEvent.Builder b = ActivityEvent.builder().tenant(tenant == null ? "default" : tenant).time(time)
                .eventClass(EventClass.API_ACTIVITY)
                .operation(resource.isEmpty() ? verb : verb + " " + resource)
                .principal(user)
                .srcIp(n.path("sourceIPs").path(0).asText(null))
                .userAgent(n.path("userAgent").asText(null))
                .resourceType(resourceType(resource))
                .resourceId(resourceId(obj))
                .outcome(code == 0 ? Outcome.UNKNOWN : code >= 400 ? Outcome.FAILURE
                        : Outcome.SUCCESS)
                .raw(rawFields);
        if (n.hasNonNull("auditID")) {
            b.eventId(n.get("auditID").asText());
        }
        return new Mapped.Event(b.build());
    }

    static ResourceType resourceType(String resource) {
        String base = resource.contains("/") && !IDENTITY.contains(resource) ? resource.substring(0,
                resource.indexOf('/')) : resource;
        if (IDENTITY.contains(resource) || IDENTITY.contains(base)) {
            return ResourceType.IDENTITY;
        }
        if (NETWORK.contains(base)) {
            return ResourceType.NETWORK;
        }
        if (STORAGE.contains(base)) {
            return ResourceType.DATA_STORAGE;
        }
        if (resource.equals("pods/exec") || resource.equals("pods/attach")) {
            return ResourceType.PROCESS;
        }
        return ResourceType.COMPUTE;
    }

    private static String resourceId(JsonNode obj) {
        StringBuilder sb = new StringBuilder("k8s://");
        if (obj.hasNonNull("namespace")) {
            sb.append(obj.get("namespace").asText()).append('/');
        }
        sb.append(obj.path("resource").asText("-"));
        if (obj.hasNonNull("name")) {
            sb.append('/').append(obj.get("name").asText());
        }
        return sb.toString();
    }
}
