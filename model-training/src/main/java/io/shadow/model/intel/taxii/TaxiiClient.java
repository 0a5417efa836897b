package io.shadow.model.intel.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.model.intel.FeedBatch;
import io.shadow.model.intel.stix.StixBundleParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A TAXII 2.1 client: discovery, API root, collections, and {@code GET collections/{id}/objects/}
 * followed page by page ({@code more}/{@code next}), asking only for objects added after the
 * collection's cursor. Every failure names the URL, the HTTP status and which setting to check.
 */
public final class TaxiiClient {
    public static final String MEDIA_TYPE = "application/taxii+json;version=2.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TaxiiSettings settings;
    private final io.shadow.model.intel.NetworkScope scope;
    private final HttpClient http;

    /** A collection as the server lists it. */
    public record Collection(String id, String title, boolean canRead, URI objectsUrl) {
    }

    /** What one collection sync fetched: its objects as a batch, and the new cursor. */
    public record CollectionSync(Collection collection, FeedBatch batch, int pages, String dateAddedLast) {
    }

    /** With {@link io.shadow.model.intel.NetworkScope#DEFAULT}. */
    public TaxiiClient(TaxiiSettings settings) {
        this(settings, io.shadow.model.intel.NetworkScope.DEFAULT);
    }

    /** Network values out of {@code scope} are refused (see {@link FeedBatch#refused}). */
    public TaxiiClient(TaxiiSettings settings, io.shadow.model.intel.NetworkScope scope) {
        this.settings = settings;
        this.scope = scope;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The API root to use: the discovery document's {@code default}, else its first {@code api_roots}. */
    public URI apiRoot() {
        URI discovery = directory(settings.url());
        JsonNode d = get(discovery).body();
        String root = d.path("default").asText("");
        if (root.isEmpty() && d.path("api_roots").isArray() && !d.path("api_roots").isEmpty()) {
            root = d.path("api_roots").get(0).asText();
        }
        if (root.isEmpty()) {
            throw new TaxiiException(discovery.toString(), 200, "TAXII discovery " + discovery
                    + " names no API root ('default' and 'api_roots' are empty); check intel.taxii.url");
        }
        URI api = directory(discovery.resolve(root));
        JsonNode info = get(api).body();
        if (info.has("versions") && !info.path("versions").toString().contains("version=2.1")) {
            throw new TaxiiException(api.toString(), 200, "TAXII API root " + api + " supports " + info.get("versions")
                    + ", not " + MEDIA_TYPE + "; use a TAXII 2.1 server");
        }
        return api;
    }

    public List<Collection> collections(URI apiRoot) {
        URI url = apiRoot.resolve("collections/");
        List<Collection> out = new ArrayList<>();
        for (JsonNode c : get(url).body().path("collections")) {
            String id = c.path("id").asText();
            out.add(new Collection(id, c.path("title").asText(id), c.path("can_read").asBoolean(true),
                    url.resolve(URLEncoder.encode(id, StandardCharsets.UTF_8) + "/objects/")));
        }
        return out;
    }

    /** Fetches every configured collection, each from its cursor on; the caller advances the cursors once stored. */
    public List<CollectionSync> sync(TaxiiCursors cursors) {
        List<Collection> all = collections(apiRoot());
        List<Collection> wanted = new ArrayList<>();
        if (settings.collections().isEmpty()) {
            all.stream().filter(Collection::canRead).forEach(wanted::add);
        }
        for (String w : settings.collections()) {
            Collection c = all.stream().filter(x -> x.id().equals(w) || x.title().equals(w)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("intel.taxii.collections: no collection '" + w
                            + "' at " + settings.url() + "; available: " + all.stream()
                            .map(x -> x.id() + " (" + x.title() + ")").toList()));
            wanted.add(c);
        }
        List<CollectionSync> out = new ArrayList<>();
        for (Collection c : wanted) {
            out.add(fetch(c, cursors.addedAfter(c.objectsUrl().toString())));
        }
        return out;
    }

    /** All objects of a collection added after {@code addedAfter} (null: all), following pagination. */
    public CollectionSync fetch(Collection c, String addedAfter) {
        FeedBatch.Builder batch = new FeedBatch.Builder("taxii:" + c.title(), scope);
        String last = null;
        String next = null;
        String after = addedAfter;
        int pages = 0;
        boolean more = true;
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (more) {
            StringBuilder q = new StringBuilder();
            if (after != null) {
                q.append("added_after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
            }
            if (next != null) {
                q.append(q.length() > 0 ? "&" : "").append("next=").append(URLEncoder.encode(next,
                        StandardCharsets.UTF_8));
            }
            URI url = q.length() == 0 ? c.objectsUrl() : URI.create(c.objectsUrl() + "?" + q);
            Page page = get(url);
            pages++;
            StixBundleParser.addObjects(page.body().path("objects"), batch.source(), batch);
            last = page.dateAddedLast() != null ? page.dateAddedLast() : last;
            more = page.body().path("more").asBoolean(false);
            next = more ? page.body().path("next").asText(null) : null;
            if (next != null && !seen.add(next)) { // a server that hands out the same page again would loop
                throw new TaxiiException(url.toString(), 200, "TAXII " + url + " repeats next=" + next + " after "
                        + pages + " page(s); cannot page through collection " + c.id() + " (a server bug?)");
            }
            if (more && next == null) { // servers without 'next' page by added_after
                if (page.dateAddedLast() == null || page.dateAddedLast().equals(after)) {
                    throw new TaxiiException(url.toString(), 200, "TAXII " + url + " says more=true but gives neither "
                            + "'next' nor a newer X-TAXII-Date-Added-Last; cannot page through collection " + c.id());
                }
                after = page.dateAddedLast();
            }
        }
        return new CollectionSync(c, batch.build(), pages, last);
    }

    private record Page(JsonNode body, String dateAddedLast) {
    }

    private Page get(URI url) {
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).GET()
                .header("Accept", MEDIA_TYPE);
        String auth = settings.authorization();
        if (auth != null) {
            req.header("Authorization", auth);
        }
        HttpResponse<String> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TaxiiException(url.toString(), "TAXII GET " + url + " failed: " + e
                    + "; check intel.taxii.url and that the server is reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaxiiException(url.toString(), "TAXII GET " + url + " interrupted", e);
        }
        if (r.statusCode() / 100 != 2) {
            throw new TaxiiException(url.toString(), r.statusCode(), "TAXII GET " + url + " answered HTTP "
                    + r.statusCode() + errorDetail(r.body()) + "; " + hint(r.statusCode()));
        }
        try {
            return new Page(JSON.readTree(r.body()), r.headers().firstValue("X-TAXII-Date-Added-Last").orElse(null));
        } catch (IOException e) {
            throw new TaxiiException(url.toString(), r.statusCode(), "TAXII GET " + url + " answered HTTP "
                    + r.statusCode() + " with a body that is not JSON (" + e.getMessage()
                    + "); is intel.taxii.url a TAXII 2.1 server?");
        }
    }

    private static String errorDetail(String body) {
        try {
            JsonNode e = JSON.readTree(body);
            String title = e.path("title").asText("");
            String desc = e.path("description").asText("");
            String s = (title + (desc.isEmpty() ? "" : ": " + desc)).strip();
            return s.isEmpty() ? "" : " (" + s + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String hint(int status) {
        return switch (status) {
            case 401, 403 -> "check intel.taxii.user/intel.taxii.password or intel.taxii.token";
            case 404 -> "check intel.taxii.url (the discovery endpoint, e.g. https://host/taxii2/) and "
                    + "intel.taxii.collections";
            case 406, 415 -> "the server does not serve " + MEDIA_TYPE;
            default -> "check the TAXII server";
        };
    }

    private static URI directory(URI u) {
        String s = u.toString();
        return s.endsWith("/") ? u : URI.create(s + "/");
    }
}
