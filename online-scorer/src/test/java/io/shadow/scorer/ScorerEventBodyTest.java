package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.model.registry.LocalModelRegistry;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies the intake must not half-read, on a real port: more JSON after the batch or the event,
 * a field given twice, an array element over the per-event limit, blank ids and names, control
 * characters, a compressed body and a batch wrapped in an object. Each is refused naming what is
 * wrong, instead of being scored as something the sender did not mean.
 */
class ScorerEventBodyTest {
    private static final String TOKEN = TestServer.AGENT;
    private static final Instant T0 = TestServer.T0;

    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1),
                ScorerSettings.defaults(), 4 << 20);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String event(String principal, int second) {
        return EventCodec.toJson(TestServer.delete(principal, "10.0.0.5", T0.plusSeconds(second)));
    }

    /** The event without its id, with {@code extra} fields added first. */
    private static String eventWith(String extra, int second) {
        ActivityEvent e = TestServer.delete("u-1", "10.0.0.5", T0.plusSeconds(second)).toBuilder().eventId(null)
                .build();
        String json = EventCodec.toNode(e).without("event_id").toString();
        return "{" + extra + "," + json.substring(1);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return server.post(path, body, TOKEN);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return TestServer.json(r);
    }

    @Test
    void aBlankEventIdIsDerivedSoDistinctEventsKeepDistinctIds() throws Exception {
        HttpResponse<String> one = post("/v1/score", eventWith("\"event_id\":\"\"", 0));
        HttpResponse<String> other = post("/v1/score", eventWith("\"event_id\":\"   \"", 1));

        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(json(one).get("event_id").asText()).matches("[0-9a-f]{32}");
        assertThat(json(other).get("event_id").asText()).matches("[0-9a-f]{32}")
                .isNotEqualTo(json(one).get("event_id").asText());
    }

    @Test
    void blankNamesCountAsNoneAndControlCharactersAndPaddedTenantsAreRefusedByField() throws Exception {
        String noOne = eventWith("\"host\":\"\"", 0).replace("\"principal\":\"u-1\"", "\"principal\":\"  \"");
        String nul = event("u-1", 1).replace("\"principal\":\"u-1\"", "\"principal\":\"u-1\\u0000\"");
        String padded = event("u-1", 2).replace("\"tenant\":\"acme\"", "\"tenant\":\"acme \"");
        HttpResponse<String> r = post("/v1/events", event("u-1", 3) + "\n" + noOne + "\n" + nul + "\n" + padded + "\n");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode out = json(r);
        assertThat(out.get("accepted").asInt()).isEqualTo(1);
        assertThat(out.get("errors")).extracting(e -> e.get("field").asText())
                .containsExactly("principal", "principal", "tenant");
        assertThat(out.get("errors").get(0).get("error").asText()).isEqualTo("field 'principal': an event needs a "
                + "principal or a host to attribute it to (an empty or blank one counts as none)");
        assertThat(out.get("errors").get(1).get("error").asText()).startsWith("field 'principal': contains the control "
                + "character U+0000");
        assertThat(out.get("errors").get(2).get("error").asText()).isEqualTo("field 'tenant': starts or ends with "
                + "white space ('acme '): tenant ids are compared exactly, so remove it");

        HttpResponse<String> one = post("/v1/score", event("u-1", 4).replace("\"principal\":\"u-1\"",
                "\"principal\":\"\""));
        assertThat(one.statusCode()).isEqualTo(400);
        assertThat(json(one).get("error").asText()).startsWith("event rejected: field 'principal': an event needs");
    }

    @Test
    void moreJsonAfterTheBatchOrTheEventIsRefusedAndNothingIsScored() throws Exception {
        String array = "[" + event("u-1", 0) + "]";
        for (String body : new String[] {array + " " + array, array + "\n garbage"}) {
            HttpResponse<String> r = post("/v1/events", body);

            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).get("error").asText()).startsWith("the body must be exactly one JSON array of events "
                    + "(or NDJSON, one event per line), but more follows the array's end at line ")
                    .endsWith("; nothing was scored: send each batch as a request of its own");
        }
        assertThat(post("/v1/events", array + " \n").statusCode()).as("white space after it is fine").isEqualTo(200);

        HttpResponse<String> two = post("/v1/score", event("u-1", 1) + " " + event("u-2", 1));
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(json(two).get("error").asText()).startsWith("event rejected: more than one JSON value: another one "
                + "follows the event at line 1, column ").endsWith("send exactly one JSON object per event (in NDJSON, "
                + "one per line)");
        assertThat(server.handed).isEmpty();
        String metrics = server.get("/metrics", TestServer.OPERATOR).body();
        assertThat(metrics).contains("shadow_scorer_events_total{result=\"scored\"} 1.0");
    }

    @Test
    void jsonNestedDeeperThanTheParserAllowsIsA400NamingTheLimitAndNothingIsScored() throws Exception {
        String deep = "{\"a\":".repeat(2000);
        String tooDeep = "the JSON is nested too deep: more than 1000 arrays and objects inside each other (the limit "
                + "is 1000)";
        for (String body : new String[] {"[".repeat(1001), "[" + deep, "[" + event("u-1", 0) + "," + deep}) {
            HttpResponse<String> r = post("/v1/events", body);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r).get("error").asText()).isEqualTo(tooDeep + "; nothing was scored: an event is one flat "
                    + "JSON object (with 'raw' one level of extra fields) and a batch one array of them");
        }
        HttpResponse<String> line = post("/v1/events", deep);
        assertThat(line.statusCode()).as(line.body()).isEqualTo(400);
        assertThat(json(line).get("errors").get(0).get("error").asText()).isEqualTo(tooDeep + "; an event is one "
                + "flat JSON object (with 'raw' one level of extra fields)");
        HttpResponse<String> one = post("/v1/score", deep);
        assertThat(one.statusCode()).as(one.body()).isEqualTo(400);
        assertThat(json(one).get("error").asText()).startsWith("event rejected: " + tooDeep);
        assertThat(server.handed).isEmpty();
        assertThat(server.get("/metrics", TestServer.OPERATOR).body())
                .doesNotContain("shadow_scorer_events_total{result=\"scored\"} 1.0");
    }

    @Test
    void aFieldGivenTwiceIsRefusedNamingItAndTheRestOfTheArrayIsScored() throws Exception {
        String twice = event("u-1", 1).replace("\"tenant\":\"acme\"", "\"tenant\":\"acme\",\"raw\":{\"a\":{\"b\":1}},"
                + "\"tenant\":\"globex\"");
        HttpResponse<String> r = post("/v1/events", "[" + event("u-1", 0) + "," + twice + "," + event("u-1", 2) + "]");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode out = json(r);
        assertThat(out.get("accepted").asInt()).isEqualTo(2);
        assertThat(out.get("errors")).hasSize(1);
        assertThat(out.get("errors").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(out.get("errors").get(0).get("error").asText()).isEqualTo("field 'tenant': appears twice in the "
                + "event; which one was meant is unknown, so send each field once");

        HttpResponse<String> one = post("/v1/score", twice);
        assertThat(one.statusCode()).isEqualTo(400);
        assertThat(json(one).get("error").asText()).isEqualTo("event rejected: field 'tenant': appears twice in the "
                + "event; which one was meant is unknown, so send each field once");
    }

    @Test
    void anArrayElementOverThePerEventLimitIsRefusedAsAnNdjsonLineIs() throws Exception {
        String big = event("u-1", 1).replace("}", ",\"raw\":{\"blob\":\"" + "x".repeat(EventCodec.MAX_EVENT_BYTES)
                + "\"}}");
        HttpResponse<String> r = post("/v1/events", "[" + event("u-1", 0) + ",\n" + big + "," + event("u-1", 2) + "]");
        HttpResponse<String> asLines = post("/v1/events", big + "\n");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode out = json(r);
        assertThat(out.get("accepted").asInt()).isEqualTo(2);
        assertThat(out.get("errors").get(0).get("index").asInt()).isEqualTo(1);
        String expected = "event of " + big.getBytes(StandardCharsets.UTF_8).length + " bytes exceeds the limit of "
                + "65536; split it or move bulky data out of 'raw'";
        assertThat(out.get("errors").get(0).get("error").asText()).isEqualTo(expected);
        assertThat(json(asLines).get("errors").get(0).get("error").asText()).isEqualTo(expected);
    }

    @Test
    void aCompressedBodyIsRefusedWith415SayingToSendItUncompressed() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(TestServer.deletes("u-1", "10.0.0.5", 3).getBytes(StandardCharsets.UTF_8));
        }
        for (String path : new String[] {"/v1/events", "/v1/score"}) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(path))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(path).isEqualTo(415);
            assertThat(json(r).get("error").asText()).isEqualTo("Content-Encoding gzip is not supported; send the body "
                    + "uncompressed");
        }
        assertThat(server.handed).isEmpty();
    }

    @Test
    void aBodyAnnouncedInAnotherCharsetIsRefusedWith415AndUtf8OrAsciiIsRead() throws Exception {
        byte[] latin1 = (event("ren\u00e9", 0) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        for (String type : new String[] {"application/x-ndjson; charset=ISO-8859-1", "application/json;charset=\"latin1\""}) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/v1/events"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(type).isEqualTo(415);
            assertThat(json(r).get("error").asText()).as(type).isEqualTo("the Content-Type says charset="
                    + (type.endsWith("1") ? "ISO-8859-1" : "latin1") + ", but Shadow reads request bodies as UTF-8 "
                    + "only; send the body in UTF-8 with charset=utf-8, or leave the charset out");
        }
        assertThat(server.handed).isEmpty();
        for (String type : new String[] {"application/x-ndjson; charset=UTF-8", "application/json; charset=us-ascii"}) {
            HttpResponse<String> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/v1/events"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(event("u-1", type.length()) + "\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(type + ": " + ok.body()).isEqualTo(200);
        }
    }

    @Test
    void aBatchWrappedInAnObjectIsNamedAsSuch() throws Exception {
        for (String body : new String[] {"{\"events\":[" + event("u-1", 0) + "]}",
                "{\n  \"events\": [\n    " + event("u-1", 0) + "\n  ]\n}\n"}) {
            HttpResponse<String> r = post("/v1/events", body);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r).get("error").asText()).isEqualTo("expected a JSON array of events or NDJSON (one event "
                    + "per line), got an object with field 'events'; send the array itself");
        }
    }

    private HttpResponse<String> postBytes(String path, byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void invalidUtf8IsA400NamingTheByteOffsetAndNothingIsScoredAndALeadingBomIsSkipped() throws Exception {
        String text = event("u-1", 0) + "\n" + event("al#ice", 1) + "\n";
        byte[] bad = text.getBytes(StandardCharsets.UTF_8);
        int at = text.indexOf('#');
        bad[at] = (byte) 0xFF;

        HttpResponse<String> r = postBytes("/v1/events", bad);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("the body is not valid UTF-8: byte 0xFF at byte offset "
                + at + " (line 2, byte " + (at - text.indexOf('\n')) + " of the line) does not begin or continue a "
                + "UTF-8 character; send the events as UTF-8 text (a field holding other bytes must be encoded, e.g. "
                + "as base64 or hex)");
        byte[] one = event("al#ice", 1).getBytes(StandardCharsets.UTF_8);
        one[event("al#ice", 1).indexOf('#')] = (byte) 0xC0; // an overlong form: as invalid as 0xFF
        HttpResponse<String> single = postBytes("/v1/score", one);
        assertThat(single.statusCode()).isEqualTo(400);
        assertThat(json(single).get("error").asText()).startsWith("event rejected: the body is not valid UTF-8: byte "
                + "0xC0 at byte offset ");
        assertThat(server.handed).isEmpty();

        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        for (String body : new String[] {"[" + event("u-1", 2) + "]", event("u-1", 3) + "\n", event("u-1", 4)}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(bom);
            b.write(body.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> ok = postBytes(body.startsWith("[") || body.endsWith("\n") ? "/v1/events"
                    : "/v1/score", b.toByteArray());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        }
        // U+FFFD sent as such is text like any other
        HttpResponse<String> replacement = post("/v1/events", event("al\uFFFDice", 5) + "\n");
        assertThat(json(replacement).get("accepted").asInt()).isEqualTo(1);
    }
}
