package io.shadow.scorer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that keep posting batches of deletes from a Tor exit, each batch from a new principal, so
 * every batch raises a threat-intel anomaly the champion model scores. Counts answers by status
 * (-1: the request itself failed).
 */
final class ThreatLoad {
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread[] clients;

    ThreatLoad(TestServer server, int clientCount) {
        clients = new Thread[clientCount];
        for (int t = 0; t < clients.length; t++) {
            int id = t;
            clients[t] = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    int status;
                    try {
                        status = server.post("/v1/events", TestServer.deletes("l-" + id + "-" + n, "185.220.101.47",
                                20), TestServer.AGENT).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    sent.incrementAndGet();
                }
            }, "load-" + t);
            clients[t].start();
        }
    }

    /** Stops the clients after their request in flight; returns the answers by status. */
    Map<Integer, Integer> stop() throws InterruptedException {
        stop.set(true);
        for (Thread c : clients) {
            c.join(30_000);
        }
        Map<Integer, Integer> seen = new TreeMap<>();
        statuses.forEach((k, v) -> seen.put(k, v.get()));
        return seen;
    }

    int sent() {
        return sent.get();
    }
}
