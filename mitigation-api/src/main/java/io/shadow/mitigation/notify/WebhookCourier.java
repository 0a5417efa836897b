package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.OutboxStore.Delivery;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Posts a JSON body to a configured webhook, signed ({@link Signatures}) over the timestamp of
 * this attempt and the body; any answer but 2xx is a failed attempt.
 */
public final class WebhookCourier implements Courier {
    public static final String CHANNEL = "webhook";
    private final Map<String, Webhook> byName;
    private final DeliveryPolicy policy;
    private final HttpClient http;

    public WebhookCourier(List<Webhook> webhooks, DeliveryPolicy policy) {
        this.byName = webhooks.stream().collect(Collectors.toMap(Webhook::name, Function.identity()));
        this.policy = policy;
        this.http = HttpClient.newBuilder().connectTimeout(policy.timeout()).build();
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    public Webhook webhook(String name) {
        return byName.get(name);
    }

    @Override
    public void deliver(Delivery d, int attempt) throws IOException, InterruptedException {
        Webhook w = byName.get(d.destination());
        if (w == null) {
            throw new IllegalStateException("webhook '" + d.destination() + "' is no longer configured; known: "
                    + byName.keySet());
        }
        long now = System.currentTimeMillis() / 1000;
        HttpRequest req = HttpRequest.newBuilder(w.url()).timeout(policy.timeout())
                .header("Content-Type", "application/json")
                .header("X-Shadow-Event", d.event())
                .header("X-Shadow-Delivery", d.deliveryId())
                .header("X-Shadow-Attempt", Integer.toString(attempt))
                .header(Signatures.HEADER, Signatures.header(w.secret(), now, d.body()))
                .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) { // said without the URL, whose path may be the receiver's secret
            throw new IOException("webhook " + w.name() + " at " + w.where() + " could not be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace(
                            w.url().toString(), w.where())), e);
        }
        if (r.statusCode() / 100 != 2) {
            String body = r.body() == null ? "" : r.body();
            throw new IOException("webhook " + w.name() + " at " + w.where() + " answered HTTP " + r.statusCode()
                    + (body.isBlank() ? "" : ": " + body.substring(0, Math.min(200, body.length()))));
        }
    }
}
