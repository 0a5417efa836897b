package io.shadow.model.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shadow.model.intel.taxii.TaxiiClient;
import io.shadow.model.intel.taxii.TaxiiCursors;
import io.shadow.model.intel.taxii.TaxiiException;
import io.shadow.model.intel.taxii.TaxiiSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TAXII client against a real TAXII 2.1 server on a free port, serving the STIX fixture. */
class TaxiiClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
    private static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
    private static final int PAGE = 3;

    private record Stored(Instant added, JsonNode object) {
    }

    private final List<Stored> objects = new CopyOnWriteArrayList<>();
    private final List<URI> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        JsonNode bundle = JSON.readTree(StixBundleParserTest.fixture("stix-bundle.json").toFile());
        int i = 0;
        for (JsonNode o : bundle.path("objects")) {
            objects.add(new Stored(T0.plusSeconds(i++), o));
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI());
        String expected = "Basic " + Base64.getEncoder().encodeToString("intel:s3cret".getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, JSON.createObjectNode().put("title", "Unauthorized").put("http_status", "401"), null);
            return;
        }
        if (!TaxiiClient.MEDIA_TYPE.equals(ex.getRequestHeaders().getFirst("Accept"))) {
            send(ex, 406, JSON.createObjectNode().put("title", "Not Acceptable"), null);
            return;
        }
        String path = ex.getRequestURI().getPath();
        switch (path) {
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

    /** added_after filtering and next-token pagination, PAGE objects a page. */
    private void objects(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI());
        Instant after = q.containsKey("added_after") ? Instant.parse(q.get("added_after")) : Instant.MIN;
        List<Stored> matching = objects.stream().filter(s -> s.added().isAfter(after)).toList();
        int from = q.containsKey("next") ? Integer.parseInt(q.get("next")) : 0;
        List<Stored> page = matching.subList(from, Math.min(from + PAGE, matching.size()));
        ObjectNode env = JSON.createObjectNode();
        boolean more = from + PAGE < matching.size();
        env.put("more", more);
        if (more) {
            env.put("next", String.valueOf(from + PAGE));
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

    private TaxiiSettings settings(String password, List<String> collections) {
        return new TaxiiSettings(URI.create(base() + "/taxii2/"), collections, "intel", password, "");
    }

    @Test
    void syncPagesThroughTheCollectionThenFetchesOnlyWhatWasAddedAfterTheCursor() {
        TaxiiClient client = new TaxiiClient(settings("s3cret", List.of()));
        TaxiiCursors cursors = TaxiiCursors.empty();

        List<TaxiiClient.CollectionSync> first = client.sync(cursors);
        assertThat(first).singleElement().satisfies(s -> {
            assertThat(s.collection().title()).as("the write-only collection is left out").isEqualTo("C2 indicators");
            assertThat(s.pages()).isEqualTo((objects.size() + PAGE - 1) / PAGE);
            assertThat(s.batch().source()).isEqualTo("taxii:C2 indicators");
            assertThat(s.batch().indicators()).extracting(Indicator::value).contains("198.51.100.7",
                    "2001:db8:bad::/48", "evil.example");
            assertThat(s.batch().skipped()).hasSize(4);
            assertThat(s.dateAddedLast()).isEqualTo(objects.get(objects.size() - 1).added().toString());
        });
        cursors.advance(first.get(0).collection().objectsUrl().toString(), first.get(0).dateAddedLast());
        TaxiiCursors reloaded = TaxiiCursors.fromJson(cursors.toJson(), "test");

        // the feed revokes the C2 indicator and adds a new one
        ObjectNode revoked = objects.get(1).object().deepCopy();
        revoked.put("modified", "2026-11-20T09:00:00.000Z").put("revoked", true);
        ObjectNode added = objects.get(1).object().deepCopy();
        added.put("id", "indicator--e1000000-0000-4000-8000-000000000001")
                .put("pattern", "[ipv4-addr:value = '198.51.100.99']");
        objects.add(new Stored(T0.plusSeconds(3600), revoked));
        objects.add(new Stored(T0.plusSeconds(3601), added));
        requests.clear();

        List<TaxiiClient.CollectionSync> second = client.sync(reloaded);
        assertThat(second.get(0).batch().indicators()).extracting(i -> i.value() + (i.revoked() ? " revoked" : ""))
                .containsExactlyInAnyOrder("198.51.100.7 revoked", "198.51.100.99");
        assertThat(requests).filteredOn(u -> u.getPath().endsWith("/objects/")).singleElement()
                .extracting(URI::getQuery).asString().contains("added_after=" + objects.get(objects.size() - 3).added());
        ThreatIntel intel = ThreatIntel.builder().addAll(first.get(0).batch()).addAll(second.get(0).batch()).build();
        assertThat(intel.matchIp("198.51.100.7", T0)).isEmpty();
        assertThat(intel.matchIp("198.51.100.99", T0)).isPresent();
    }

    @Test
    void bearerTokensAreSentAsSuch() {
        TaxiiSettings bearer = new TaxiiSettings(URI.create(base() + "/taxii2/"), List.of(), "", "", "tok-123");
        assertThatThrownBy(() -> new TaxiiClient(bearer).apiRoot()).isInstanceOf(TaxiiException.class)
                .extracting(e -> ((TaxiiException) e).status()).isEqualTo(401);
        assertThat(bearer.toString()).doesNotContain("tok-123");
    }

    @Test
    void aRejectedLoginNamesTheUrlTheStatusAndTheSettingToFix() {
        TaxiiClient client = new TaxiiClient(settings("wrong", List.of()));
        assertThatThrownBy(client::apiRoot).isInstanceOf(TaxiiException.class).hasMessage("TAXII GET " + base()
                + "/taxii2/ answered HTTP 401 (Unauthorized); check intel.taxii.user/intel.taxii.password or "
                + "intel.taxii.token");
    }

    @Test
    void anUnknownCollectionIsRefusedListingTheAvailableOnes() {
        TaxiiClient client = new TaxiiClient(settings("s3cret", List.of("APT feed")));
        assertThatThrownBy(() -> client.sync(TaxiiCursors.empty())).hasMessageStartingWith(
                "intel.taxii.collections: no collection 'APT feed' at " + base() + "/taxii2/; available: ["
                        + COLLECTION + " (C2 indicators)");
    }

    @Test
    void aCollectionCanBeChosenByTitleAndAWrongUrlSays404() {
        assertThat(new TaxiiClient(settings("s3cret", List.of("C2 indicators"))).sync(TaxiiCursors.empty()))
                .hasSize(1);
        TaxiiSettings wrong = new TaxiiSettings(URI.create(base() + "/taxii/"), List.of(), "intel", "s3cret", "");
        assertThatThrownBy(() -> new TaxiiClient(wrong).apiRoot()).hasMessageContaining("HTTP 404")
                .hasMessageContaining("check intel.taxii.url");
        assertThat(new ArrayList<>(requests)).isNotEmpty();
    }
}
