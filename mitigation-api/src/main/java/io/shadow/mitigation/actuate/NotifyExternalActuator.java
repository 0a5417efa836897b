package io.shadow.mitigation.actuate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.mitigation.notify.Outbox;
import io.shadow.mitigation.notify.Webhook;
import io.shadow.mitigation.notify.WebhookCourier;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tells a system Shadow does not drive itself to act, by a signed webhook (through the outbox:
 * retried with backoff), and on undo to stand down. The {@code webhook} param names the receiver;
 * without it every webhook configured for actions is told.
 */
public final class NotifyExternalActuator implements Actuator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Outbox outbox;
    private final List<Webhook> webhooks;

    public NotifyExternalActuator(Outbox outbox, List<Webhook> webhooks) {
        this.outbox = outbox;
        this.webhooks = webhooks.stream().filter(w -> w.uses().contains(Webhook.ACTIONS)).toList();
    }

    @Override
    public ActionType type() {
        return ActionType.NOTIFY_EXTERNAL;
    }

    @Override
    public Applied apply(ActionTarget t, Map<String, String> params, Instant expiresAt) {
        List<String> to = params.containsKey("webhook") ? List.of(params.get("webhook"))
                : webhooks.stream().map(Webhook::name).toList();
        if (to.isEmpty()) {
            throw NotApplicableException.gap("notify_external: no webhook is configured for actions "
                    + "(mitigation.channels.webhooks with uses: [actions])");
        }
        for (String name : to) {
            if (webhooks.stream().noneMatch(w -> w.name().equals(name))) {
                throw NotApplicableException.gap("notify_external: webhook '" + name + "' is not configured for "
                        + "actions; known: " + webhooks.stream().map(Webhook::name).toList());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "mitigation.action.applied");
        body.put("request_id", "ext-" + UUID.randomUUID());
        body.put("tenant", t.tenant());
        body.put("principal", t.principal());
        body.put("host", t.host());
        body.put("resource_type", t.resourceType().wireName());
        body.put("resource_id", t.resourceId());
        body.put("params", params);
        body.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        String json = json(body);
        for (String name : to) {
            outbox.enqueue(WebhookCourier.CHANNEL, name, "mitigation.action.applied", null, json);
        }
        return new Applied(json(Map.of("to", to, "body", body)), "signed webhook " + body.get("request_id")
                + " to " + to + " (retried with backoff until delivered)");
    }

    @Override
    public boolean undo(String handle) {
        try {
            JsonNode h = JSON.readTree(handle);
            Map<String, Object> body = JSON.convertValue(h.get("body"),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
            body.put("event", "mitigation.action.undone");
            String json = json(body);
            for (JsonNode name : h.get("to")) {
                outbox.enqueue(WebhookCourier.CHANNEL, name.asText(), "mitigation.action.undone", null, json);
            }
            return true;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt notify_external handle " + handle, e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
