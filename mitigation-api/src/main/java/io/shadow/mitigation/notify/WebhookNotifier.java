package io.shadow.mitigation.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.shadow.mitigation.store.NotificationRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Posts every notification, signed, to the webhooks configured for notifications (through the outbox). */
public final class WebhookNotifier implements Notifier {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Outbox outbox;
    private final List<Webhook> webhooks;

    public WebhookNotifier(Outbox outbox, List<Webhook> webhooks) {
        this.outbox = outbox;
        this.webhooks = webhooks.stream().filter(w -> w.uses().contains(Webhook.NOTIFICATIONS)).toList();
    }

    @Override
    public void send(NotificationRecord n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "notification." + n.kind());
        body.put("notification", n);
        String json = json(body);
        for (Webhook w : webhooks) {
            outbox.enqueue(n.notificationId(), WebhookCourier.CHANNEL, w.name(), "notification." + n.kind(), n.subject(),
                    json);
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
