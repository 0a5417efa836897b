package io.shadow.model.intel.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real TAXII 2.1 server on a free port for tests (shared with spark-jobs through the test jar):
 * discovery {@code /taxii2/}, API root {@code /api1/}, one readable and one write-only collection,
 * basic auth, the TAXII media type, {@code added_after} filtering and {@code next}-token pages.
 */
public final class TaxiiTestServer implements AutoCloseable {
    public static final String COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
    public static final String USER = "intel";
    public static final String PASSWORD = "s3cret";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An object and when the server says it was added. */
    public record Stored(Instant added, JsonNode object) {
    }

    private final List<Stored> objects = new CopyOnWriteArrayList<>();
    private final List<URI> requests = new CopyOnWriteArrayList<>();
    private final int pageSize;
    private final boolean withNext;
    private final HttpServer server;

    public TaxiiTestServer(int pageSize) {
        this(pageSize, true);
    }

    /** @param withNext false: say {@code more} without a {@code next} token, as servers that page by date do */
    public TaxiiTestServer(int pageSize, boolean withNext) {
        this.pageSize = pageSize;
        this.withNext = withNext;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI discovery() {
        return URI.create(base() + "/taxii2/");
    }

    /** Adds every object of a bundle, one second apart from {@code from} on. */
    public void addAll(JsonNode bundle, Instant from) {
        int i = 0;
        for (JsonNode o : bundle.path("objects")) {
            add(from.plusSeconds(i++), o);
        }
    }

    public void add(Instant added, JsonNode object) {
        objects.add(new Stored(added, object));
    }

    public List<Stored> objects() {
        return objects;
    }

    /** Every request URI received, in order. */
    public List<URI> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI());
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, JSON.createObjectNode().put("title", "Unauthorized").put("http_status", "401"), null);
            return;
        }
        if (!TaxiiClient.MEDIA_TYPE.equals(ex.getRequestHeaders().getFirst("Accept"))) {
            send(ex, 406, JSON.createObjectNode().put("title", "Not Acceptable"), null);
            return;
        }
        switch (ex.getRequestURI().getPath()) {
            case "/taxii2/" -> {
                ObjectNode d = JSON.createObjectNode().put("title", "Shadow test TAXII").put("default", "/api1/");
                d.putArray("api_roots").add("/api1/");
                send(ex, 200, d, null);
            }
            case "/api1/" -> {
                ObjectNode r = JSON.createObjectNode().put("title", "Indicators").put("max_content_length", 10485760);
                r.putArray("versions").add(TaxiiClient.MEDIA_TYPE);
                send(ex, 200, r, null);
            }
            case "/api1/collections/" -> {
                ObjectNode r = JSON.createObjectNode();
                ArrayNode cs = r.putArray("collections");
                cs.addObject().put("id", COLLECTION).put("title", "C2 indicators").put("can_read", true);
                cs.addObject().put("id", "52892447-4d7e-4f70-b94d-d7f22742ff63").put("title", "Write only")
                        .put("can_read", false);
                send(ex, 200, r, null);
            }
            case "/api1/collections/" + COLLECTION + "/objects/" -> objects(ex);
            default -> send(ex, 404, JSON.createObjectNode().put("title", "Not Found"), null);
        }
    }

    private void objects(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI());
        Instant after = q.containsKey("added_after") ? Instant.parse(q.get("added_after")) : Instant.MIN;
        List<Stored> matching = objects.stream().filter(s -> s.added().isAfter(after)).toList();
        int from = q.containsKey("next") ? Integer.parseInt(q.get("next")) : 0;
        List<Stored> page = matching.subList(from, Math.min(from + pageSize, matching.size()));
        ObjectNode env = JSON.createObjectNode();
        boolean more = from + pageSize < matching.size();
        env.put("more", more);
        if (more && withNext) {
            env.put("next", String.valueOf(from + pageSize));
        }
        ArrayNode arr = env.putArray("objects");
        page.forEach(s -> arr.add(s.object()));
        send(ex, 200, env, page.isEmpty() ? null : page.get(page.size() - 1).added().toString());
    }

    private static Map<String, String> query(URI u) {
        Map<String, String> m = new HashMap<>();
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static void send(HttpExchange ex, int status, JsonNode body, String addedLast) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", TaxiiClient.MEDIA_TYPE);
        if (addedLast != null) {
            ex.getResponseHeaders().set("X-TAXII-Date-Added-Last", addedLast);
        }
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
