package io.shadow.agents.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.agents.spool.FillingDisk;
import io.shadow.agents.spool.Spool;
import io.shadow.agents.spool.SpoolRecord;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.TransferLimit;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentIntakeTest {
    private static final String TOKEN = "intake-token-0123456789abcdef";
    private static final String UNAUTHORIZED = "missing or wrong 'Authorization: Bearer <token>' (intake.token of the "
            + "agent)";
    private static final long SEGMENT = 1 << 20;
    private static final long ROOMY = 1 << 24;

    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();
    private Spool spool;
    private AgentIntake intake;

    @AfterEach
    void stop() {
        if (intake != null) {
            intake.close();
        }
        if (spool != null) {
            spool.close();
        }
    }

    private Path spoolDir() {
        return tmp.resolve("spool");
    }

    private void start(long maxSpoolBytes) {
        start(maxSpoolBytes, TransferLimit.DEFAULT_MAX_BYTES);
    }

    private void start(long maxSpoolBytes, long maxTransferBytes) {
        spool = Spool.open(spoolDir(), Math.min(SEGMENT, maxSpoolBytes), maxSpoolBytes);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, maxTransferBytes);
    }

    private static String event(int i) {
        return EventCodec.toJson(ActivityEvent.builder().eventId("files-api-" + i).tenant("acme")
                .time(Instant.parse("2026-11-09T10:00:00Z").plusSeconds(i)).eventClass(EventClass.API_ACTIVITY)
                .operation("GET /files/{id}").principal("alice").host("files-api").srcIp("10.0.0.8")
                .resourceType(ResourceType.DATA_STORAGE).resourceId("/files/" + i).outcome(Outcome.SUCCESS)
                .bytesOut(1024L * i).build());
    }

    private HttpResponse<String> post(String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + intake.port() + "/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postAuthorized(String body) throws IOException, InterruptedException {
        return post(body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/x-ndjson");
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return EventCodec.mapper().readTree(r.body());
    }

    /** What a restarted agent finds in its spool. */
    private List<ActivityEvent> spooledAfterRestart() {
        intake.close();
        intake = null;
        spool.close();
        try (Spool reopened = Spool.open(spoolDir(), SEGMENT, ROOMY)) {
            spool = null;
            return reopened.read(0, 1000).stream()
                    .map(r -> EventCodec.parse(new String(r.payload(), StandardCharsets.UTF_8))).toList();
        }
    }

    private List<SpoolRecord> spooled() {
        return spool.read(0, 1000);
    }

    @Test
    void ndjsonEventsAreDurableWhenAccepted() throws Exception {
        start(ROOMY);

        HttpResponse<String> r = postAuthorized(event(1) + "\n" + event(2) + "\n");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).isEqualTo(EventCodec.mapper().readTree("{\"accepted\":2,\"rejected\":0,\"errors\":[]}"));
        assertThat(spooledAfterRestart()).containsExactly(EventCodec.parse(event(1)), EventCodec.parse(event(2)));
    }

    @Test
    void theSchemeIsReadInAnyCaseAndOnlyTheIntakesOwnPathsAreServed() throws Exception {
        start(ROOMY);

        assertThat(post(event(1), "Authorization", "bearer " + TOKEN).statusCode()).as("RFC 7235").isEqualTo(200);
        assertThat(post(event(2), "Authorization", "BEARER " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(post(event(3), "Authorization", "bearer " + TOKEN.toUpperCase(java.util.Locale.ROOT))
                .statusCode()).as("the token itself is compared exactly").isEqualTo(401);
        HttpResponse<String> longer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + intake.port()
                + "/v1/eventsXYZ")).header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers
                .ofString(event(4))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(longer.statusCode()).isEqualTo(404);
        assertThat(json(longer).path("error").asText()).isEqualTo("no route /v1/eventsXYZ; the intake serves POST "
                + "/v1/events and GET /health");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + intake.port() + "/healthz"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId).containsExactly("files-api-1",
                "files-api-2");
    }

    @Test
    void anEventReportingMoreBytesThanTheLimitIsRefusedNamingTheFieldAndTheKnob() throws Exception {
        start(ROOMY, 3000);
        // event(i) reports 1024 * i bytes out: the third is over the limit, with and without an event_id
        String overNoId = event(4).replace("\"event_id\":\"files-api-4\",", "");

        HttpResponse<String> nd = postAuthorized(event(1) + "\n" + event(3) + "\n" + event(2) + "\n" + overNoId);
        HttpResponse<String> array = postAuthorized("[" + event(5) + "]");

        assertThat(nd.statusCode()).isEqualTo(200);
        JsonNode body = json(nd);
        assertThat(body.path("accepted").asInt()).isEqualTo(2);
        assertThat(body.path("rejected").asInt()).isEqualTo(2);
        assertThat(body.path("errors")).extracting(e -> e.path("index").asInt()).containsExactly(1, 3);
        JsonNode first = body.path("errors").get(0);
        assertThat(first.path("field").asText()).isEqualTo("bytes_out");
        assertThat(first.path("error").asText()).contains("3072 is more than 3000 bytes", "intake.max-transfer-bytes");
        assertThat(array.statusCode()).as("nothing valid in the batch").isEqualTo(400);
        assertThat(json(array).path("errors").get(0).path("field").asText()).isEqualTo("bytes_out");
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId)
                .containsExactly("files-api-1", "files-api-2");
    }

    @Test
    void aJsonArrayIsAcceptedToo() throws Exception {
        start(ROOMY);

        HttpResponse<String> r = postAuthorized("[" + event(1) + ",\n " + event(2) + ", " + event(3) + "]");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("accepted").asInt()).isEqualTo(3);
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId)
                .containsExactly("files-api-1", "files-api-2", "files-api-3");
    }

    @Test
    void eventsWithoutAnIdAreStoredWithAStableDerivedOne() throws Exception {
        start(ROOMY);
        String noId = event(1).replace("\"event_id\":\"files-api-1\",", "");

        assertThat(postAuthorized(noId).statusCode()).isEqualTo(200);
        assertThat(postAuthorized(noId).statusCode()).isEqualTo(200);

        List<ActivityEvent> stored = spooledAfterRestart();
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).eventId()).isNotBlank().isEqualTo(stored.get(1).eventId());
    }

    @Test
    void anEventThatNamesNoTenantIsStampedWithTheAgentsOwn() throws Exception {
        start(ROOMY);
        // as an application's reporter sends it: no tenant (the scorer refuses events without one)
        String line = event(4).replace("\"tenant\":\"acme\",", "");

        HttpResponse<String> r = postAuthorized(line + "\n" + event(5).replace("\"acme\"", "\"globex\"") + "\n");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId, ActivityEvent::tenant)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("files-api-4", "acme"),
                        org.assertj.core.groups.Tuple.tuple("files-api-5", "globex"));
    }

    @Test
    void aWrongOrMissingTokenIsRefusedAndNothingIsKept() throws Exception {
        start(ROOMY);

        HttpResponse<String> wrong = post(event(1), "Authorization", "Bearer not-the-token-0123456789");
        HttpResponse<String> basic = post(event(1), "Authorization", "Basic YWxpY2U6c2VjcmV0");
        HttpResponse<String> missing = post(event(1));

        for (HttpResponse<String> r : List.of(wrong, basic, missing)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(json(r).path("error").asText()).isEqualTo(UNAUTHORIZED);
        }
        assertThat(spooled()).isEmpty();
    }

    @Test
    void malformedLinesAreListedByIndexAndFieldWhileTheRestIsKept() throws Exception {
        start(ROOMY);
        String noTime = event(2).replaceFirst("\"time\":\"[^\"]+\",", "");
        String body = String.join("\n", event(1), noTime, event(3), "{\"time\":", "");

        HttpResponse<String> r = postAuthorized(body);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode out = json(r);
        assertThat(out.path("accepted").asInt()).isEqualTo(2);
        assertThat(out.path("rejected").asInt()).isEqualTo(2);
        JsonNode first = out.path("errors").get(0);
        assertThat(first.path("index").asInt()).isEqualTo(1);
        assertThat(first.path("field").asText()).isEqualTo("time");
        assertThat(first.path("error").asText()).isEqualTo("field 'time': is required, as an ISO-8601 instant like "
                + "2026-11-25T10:15:30Z or epoch milliseconds");
        JsonNode second = out.path("errors").get(1);
        assertThat(second.path("index").asInt()).isEqualTo(3);
        assertThat(second.path("field").isNull()).isTrue();
        assertThat(second.path("error").asText()).startsWith("not valid JSON at line 1, column 9 (")
                .endsWith("); send one JSON object per event");
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId)
                .containsExactly("files-api-1", "files-api-3");
    }

    @Test
    void linesThatNeedTheFullCodecKeepTheirPlaceInTheBatch() throws Exception {
        start(ROOMY);
        String noId = event(2).replace("\"event_id\":\"files-api-2\",", "");

        HttpResponse<String> r = postAuthorized(String.join("\r\n", event(1), noId, event(3), event(4)));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("accepted").asInt()).isEqualTo(4);
        List<ActivityEvent> stored = spooledAfterRestart();
        assertThat(stored).extracting(ActivityEvent::eventId).startsWith("files-api-1").endsWith("files-api-3",
                "files-api-4");
        assertThat(stored.get(1).eventId()).isNotBlank().isNotEqualTo("files-api-2");
        assertThat(stored.get(1).time()).isEqualTo(EventCodec.parse(noId).time());
    }

    @Test
    void aBodyOverTheLimitIs413AndNothingIsKept() throws Exception {
        start(ROOMY);
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() <= 1 << 20; i++) {
            body.append(event(i)).append('\n');
        }

        HttpResponse<String> r = postAuthorized(body.toString());

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).path("error").asText()).isEqualTo("request body larger than 1048576 bytes; send smaller "
                + "batches");
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aBodyWithNothingValidIs400() throws Exception {
        start(ROOMY);

        HttpResponse<String> r = postAuthorized(event(1).replace("\"resource_type\":\"data_storage\"",
                "\"resource_type\":\"bucket\""));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode out = json(r);
        assertThat(out.path("accepted").asInt()).isZero();
        assertThat(out.path("errors").get(0).path("field").asText()).isEqualTo("resource_type");
        assertThat(out.path("errors").get(0).path("error").asText()).isEqualTo("field 'resource_type': unknown "
                + "resource_type 'bucket'; expected one of [data_storage, database, network, compute, process, "
                + "identity]");
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aBrokenJsonArrayIs400WithWhatToSend() throws Exception {
        start(ROOMY);

        HttpResponse<String> r = postAuthorized("[" + event(1) + ",");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("error").asText()).isEqualTo("body starts like a JSON array but does not parse; "
                + "send a JSON array of events or NDJSON");
        assertThat(spooled()).isEmpty();
    }

    @Test
    void jsonAfterTheArrayIsRefusedNotDroppedUnread() throws Exception {
        start(ROOMY);

        HttpResponse<String> r = postAuthorized("[" + event(1) + "]\n" + event(2) + "\n");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("error").asText()).isEqualTo("body starts like a JSON array but does not parse "
                + "(there is more JSON after the array's closing ]); send a JSON array of events or NDJSON");
        assertThat(spooled()).as("nothing of the request is kept").isEmpty();
        assertThat(postAuthorized("[" + event(1) + "]  \n").statusCode()).as("white space after it is fine")
                .isEqualTo(200);
    }

    @Test
    void aFullSpoolAnswers503WithRetryAfterAndKeepsNothingOfTheBatch() throws Exception {
        start(1024);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            big.append(event(i)).append('\n');
        }
        assertThat(big.length()).isGreaterThan(1024);

        HttpResponse<String> r = postAuthorized(big.toString());

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(json(r).path("error").asText()).isEqualTo("spool " + spoolDir() + " is full (0 of 1024 bytes, "
                + "unshipped); events were refused, not acknowledged. Restore the landing zone or scorer so "
                + "shipping catches up, or raise spool.max-bytes");
        assertThat(spooled()).isEmpty();
        assertThat(spool.sizeBytes()).isZero();

        assertThat(postAuthorized(event(1)).statusCode()).as("a batch that fits still lands").isEqualTo(200);
        assertThat(spooled()).hasSize(1);
    }

    @Test
    void aDiskThatFillsUpAnswers503NamingTheSpoolAndTheCauseAndKeepsNothingOfTheRequest() throws Exception {
        FillingDisk disk = new FillingDisk();
        spool = disk.open(spoolDir(), SEGMENT, ROOMY);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        assertThat(postAuthorized(event(1)).statusCode()).isEqualTo(200);
        disk.room(100); // part of the next request's first event fits

        HttpResponse<String> r = postAuthorized(event(2) + "\n" + event(3) + "\n");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(json(r).path("error").asText()).isEqualTo("nothing of this request was acknowledged: spool "
                + spoolDir() + " could not store a batch of 2 event(s) (No space left on device); the batch was rolled "
                + "back and none of it is acknowledged. Free space where spool.dir is (or move spool.dir), then send "
                + "it again");
        assertThat(spooled()).hasSize(1);

        disk.freed();
        assertThat(postAuthorized(event(4)).statusCode()).as("once there is room again").isEqualTo(200);
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId)
                .containsExactly("files-api-1", "files-api-4");
    }

    @Test
    void aFieldGivenTwiceIsRefusedNamingItAsTheScorerDoesAndTheRestIsKept() throws Exception {
        start(ROOMY);
        String twice = event(2).replace("\"tenant\":\"acme\"", "\"tenant\":\"acme\",\"tenant\":\"globex\"");
        String nestedTwice = event(3).replace("\"tenant\":\"acme\"", "\"tenant\":\"acme\",\"raw\":{\"a\":1,\"a\":2}");
        String expected = "field 'tenant': appears twice in the event; which one was meant is unknown, so send each "
                + "field once";

        HttpResponse<String> array = postAuthorized("[" + event(1) + "," + twice + "," + nestedTwice + "," + event(4)
                + "]");
        HttpResponse<String> lines = postAuthorized(twice + "\n" + event(5) + "\n");

        assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
        assertThat(json(array).path("accepted").asInt()).isEqualTo(2);
        assertThat(json(array).path("errors")).extracting(e -> e.path("index").asInt()).containsExactly(1, 2);
        assertThat(json(array).path("errors").get(0).path("field").asText()).isEqualTo("tenant");
        assertThat(json(array).path("errors").get(0).path("error").asText()).isEqualTo(expected);
        assertThat(json(array).path("errors").get(1).path("error").asText()).startsWith("field 'a': appears twice");
        assertThat(json(lines).path("errors").get(0).path("error").asText()).as("as an NDJSON line is")
                .isEqualTo(expected);
        HttpResponse<String> nestedLine = postAuthorized(nestedTwice + "\n" + event(6) + "\n");
        assertThat(json(nestedLine).path("errors")).as("a field twice inside raw, as an NDJSON line").hasSize(1);
        assertThat(json(nestedLine).path("errors").get(0).path("error").asText()).startsWith("field 'a': appears twice");
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId)
                .containsExactly("files-api-1", "files-api-4", "files-api-5", "files-api-6");
    }

    @Test
    void healthReportsTheSpoolSize() throws Exception {
        start(ROOMY);
        postAuthorized(event(1));

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + intake.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(EventCodec.mapper().convertValue(json(r), Map.class))
                .containsEntry("status", "ok").containsEntry("spool_bytes", (int) spool.sizeBytes());
        assertThat(spool.sizeBytes()).isPositive();
    }

    @Test
    void healthIsUnhealthyOnceTheSpoolRefusesWritesAndSaysWhy() throws Exception {
        FillingDisk disk = new FillingDisk();
        spool = disk.open(spoolDir(), SEGMENT, ROOMY);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        disk.goBad(); // a failed fsync whose rollback fails too
        assertThat(postAuthorized(event(1)).statusCode()).isEqualTo(503);

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + intake.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).path("status").asText()).isEqualTo("spool_broken");
        assertThat(json(r).path("error").asText()).startsWith("spool " + spoolDir() + " refuses writes since a "
                + "failed write could not be rolled back (Input/output error)");
        disk.freed();
    }

    private HttpResponse<String> postBytes(byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + intake.port() + "/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code text} as UTF-8 with the byte {@code 0xFF} where {@code marker} ("#") is. */
    private static byte[] withInvalidByte(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int k = 0; k < b.length; k++) {
            if (b[k] == '#') {
                b[k] = (byte) 0xFF;
            }
        }
        return b;
    }

    @Test
    void invalidUtf8IsRefusedNamingTheByteAsTheScorerDoesAndALeadingBomIsSkipped() throws Exception {
        start(ROOMY);
        // NDJSON: the line with the invalid byte is listed, the others kept (with and without an id)
        String noId = event(2).replaceFirst("\"event_id\":\"[^\"]*\",", "").replace("alice", "al#ce");
        HttpResponse<String> nd = postBytes(withInvalidByte(event(1) + "\n" + noId + "\n"
                + event(3).replace("alice", "al#ce") + "\n" + event(4) + "\n"));

        assertThat(nd.statusCode()).as(nd.body()).isEqualTo(200);
        assertThat(json(nd).path("accepted").asInt()).isEqualTo(2);
        assertThat(json(nd).path("errors")).extracting(e -> e.path("index").asInt()).containsExactly(1, 2);
        assertThat(json(nd).path("errors").get(1).path("error").asText()).startsWith("the line is not valid UTF-8: "
                + "byte 0xFF at byte offset ").contains("send the events as UTF-8 text");

        // an array: refused as a whole, as the scorer refuses it
        HttpResponse<String> array = postBytes(withInvalidByte("[" + event(5).replace("alice", "al#ce") + "]"));
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(json(array).path("error").asText()).startsWith("the body is not valid UTF-8: byte 0xFF at byte "
                + "offset ").endsWith("nothing was kept");

        // a byte order mark before the array or the first line is skipped
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        for (String body : new String[] {"[" + event(6) + "]", event(7) + "\n"}) {
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] withBom = java.util.Arrays.copyOf(bom, 3 + b.length);
            System.arraycopy(b, 0, withBom, 3, b.length);
            HttpResponse<String> r = postBytes(withBom);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).path("accepted").asInt()).isEqualTo(1);
        }
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId)
                .containsExactly("files-api-1", "files-api-4", "files-api-6", "files-api-7");
    }

    @Test
    void aBodyAnnouncedInAnotherCharsetIsRefusedWith415AndNothingIsKept() throws Exception {
        start(ROOMY);
        HttpResponse<String> latin1 = post(event(1) + "\n", "Authorization", "Bearer " + TOKEN, "Content-Type",
                "application/x-ndjson; charset=windows-1252");
        HttpResponse<String> utf8 = post(event(2) + "\n", "Authorization", "Bearer " + TOKEN, "Content-Type",
                "application/x-ndjson; charset=utf-8");

        assertThat(latin1.statusCode()).as(latin1.body()).isEqualTo(415);
        assertThat(json(latin1).path("error").asText()).isEqualTo("the Content-Type says charset=windows-1252, but "
                + "Shadow reads request bodies as UTF-8 only; send the body in UTF-8 with charset=utf-8, or leave the "
                + "charset out; nothing was kept");
        assertThat(utf8.statusCode()).as(utf8.body()).isEqualTo(200);
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId).containsExactly("files-api-2");
    }

    private HttpResponse<String> health() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + intake.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsDegradedWhileTheIntakeRefusesWritesAndOkOnceOneIsStored() throws Exception {
        FillingDisk disk = new FillingDisk();
        spool = disk.open(spoolDir(), SEGMENT, ROOMY);
        intake = new AgentIntake(spool, "acme", "127.0.0.1", 0, TOKEN, 1 << 20, TransferLimit.DEFAULT_MAX_BYTES);
        disk.room(10);
        assertThat(postAuthorized(event(1)).statusCode()).isEqualTo(503);

        HttpResponse<String> r = health();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(json(r).path("status").asText()).isEqualTo("degraded");
        assertThat(json(r).path("problems").path(0).asText()).isEqualTo("the spool refuses new events: spool "
                + spoolDir() + " could not store a batch of 1 event(s) (No space left on device); the batch was rolled "
                + "back and none of it is acknowledged. Free space where spool.dir is (or move spool.dir), then send "
                + "it again");
        disk.freed();
        assertThat(postAuthorized(event(2)).statusCode()).isEqualTo(200);
        assertThat(health().statusCode()).isEqualTo(200);
    }

    @Test
    void aFullSpoolMakesHealthDegraded() throws Exception {
        start(1024);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            big.append(event(i)).append('\n');
        }
        assertThat(postAuthorized(big.toString()).statusCode()).isEqualTo(503);

        assertThat(health().statusCode()).isEqualTo(503);
        assertThat(json(health()).path("problems").path(0).asText()).startsWith("the spool refuses new events: spool "
                + spoolDir() + " is full");
    }

    @Test
    void anEventDatedBeyondTheFutureSkewIsRefusedNamingTimeTheRestIsKept() throws Exception {
        start(ROOMY);
        String ahead = event(2).replace("2026-11-09T10:00:02Z", "2031-01-01T00:00:00Z");
        assertThat(ahead).contains("2031-01-01T00:00:00Z");

        HttpResponse<String> lines = postAuthorized(event(1) + "\n" + ahead + "\n" + event(3) + "\n");
        HttpResponse<String> array = postAuthorized("[" + ahead + "," + event(4) + "]");
        HttpResponse<String> noId = postAuthorized(ahead.replace("\"event_id\":\"files-api-2\",", ""));

        assertThat(lines.statusCode()).as(lines.body()).isEqualTo(200);
        assertThat(json(lines).path("accepted").asInt()).isEqualTo(2);
        JsonNode error = json(lines).path("errors").get(0);
        assertThat(error.path("index").asInt()).isEqualTo(1);
        assertThat(error.path("field").asText()).isEqualTo("time");
        assertThat(error.path("error").asText()).startsWith("field 'time': 2031-01-01T00:00:00Z is more than PT5M ahead "
                + "of the agent's clock (").endsWith("); the scorer would refuse it. Fix the sender's clock, or raise "
                + "intake.max-future-skew (and the scorer's scorer.max-future-skew) if the agent's clock is behind");
        assertThat(json(array).path("errors").get(0).path("field").asText()).isEqualTo("time");
        assertThat(noId.statusCode()).as("through the full codec too").isEqualTo(400);
        assertThat(json(noId).path("errors").get(0).path("field").asText()).isEqualTo("time");
        String numeric = event(5).replace("\"2026-11-09T10:00:05Z\"", "1924992000000"); // 2031, epoch ms
        assertThat(numeric).contains("1924992000000");
        HttpResponse<String> millis = postAuthorized(numeric + "\n");
        assertThat(millis.statusCode()).as("a numeric time on the fast path too: " + millis.body()).isEqualTo(400);
        assertThat(json(millis).path("errors").get(0).path("field").asText()).isEqualTo("time");
        assertThat(spooledAfterRestart()).extracting(ActivityEvent::eventId)
                .containsExactly("files-api-1", "files-api-3", "files-api-4");
    }
}
