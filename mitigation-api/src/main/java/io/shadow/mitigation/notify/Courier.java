package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.OutboxStore.Delivery;

/** Carries one outbox message over one channel; throws when the attempt failed (it is retried). */
public interface Courier {
    String channel();

    void deliver(Delivery d, int attempt) throws Exception;
}
