package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.model.registry.LocalModelRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the intake refuses beyond the wire format, on a real port: events dated ahead of the
 * scorer's clock (one would blind volume detection for its principal), events reporting absurd
 * byte counts (one would weigh on its principal's volume statistics) and events without a tenant
 * (they would never be judged); and what it says about events of a tenant without baselines.
 */
class ScorerIntakeTest {
    private static final String TOKEN = TestServer.AGENT;
    private static final Instant FUTURE = Instant.parse("2099-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private TestServer server(ScorerSettings settings) {
        return new TestServer(new LocalModelRegistry(dir.resolve("registry")), TestServer.baselines(1), settings,
                4 << 20);
    }

    private static String line(ActivityEvent e) {
        return EventCodec.toJson(e) + "\n";
    }

    /** The event as JSON without its tenant field (and without an id, so none names the tenant either). */
    private static String withoutTenant(ActivityEvent e) {
        ObjectNode o = EventCodec.toNode(e);
        o.remove("tenant");
        o.remove("event_id");
        return o.toString();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return TestServer.json(r);
    }

    @Test
    void oneEventFromTheFutureIsRejectedAndTheBurstAfterItIsStillDetected() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            HttpResponse<String> poison = s.post("/v1/events", line(TestServer.delete("u-1", "10.0.0.5", FUTURE)),
                    TOKEN);
            JsonNode poisoned = json(s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 60), TOKEN));
            JsonNode clean = json(s.post("/v1/events", TestServer.deletes("u-2", "10.0.0.5", 60), TOKEN));

            assertThat(clean.get("anomalies").asInt()).isPositive();
            assertThat(poisoned.get("anomalies").asInt()).isEqualTo(clean.get("anomalies").asInt());
            assertThat(poison.statusCode()).isEqualTo(400);
            JsonNode error = json(poison).get("errors").get(0);
            assertThat(error.get("index").asInt()).isZero();
            assertThat(error.get("field").asText()).isEqualTo("time");
            assertThat(error.get("error").asText())
                    .startsWith("field 'time': 2099-01-01T00:00:00Z is more than PT5M ahead of the scorer's clock (2")
                    .contains("Fix the sender's clock, or raise scorer.max-future-skew");
        }
    }

    @Test
    void aTimeBeforeTheUnixEpochIsRefusedByIndexNamingTheRangeAndTheRestOfTheAnomalousBatchIsScored()
            throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            String ancient = EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5", TestServer.T0)).replace(
                    "\"2026-11-09T10:00:00Z\"", "\"-999999999-01-01T00:00:00Z\"").replaceFirst("\"event_id\":\"[^\"]*\",", "");
            String body = TestServer.deletes("u-1", "10.0.0.5", 30) + ancient + "\n"
                    + TestServer.deletes("u-1", "10.0.0.5", 30, TestServer.T0.plusSeconds(30));
            HttpResponse<String> r = s.post("/v1/events", body, TOKEN);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode out = json(r);
            assertThat(out.get("accepted").asInt()).isEqualTo(60);
            assertThat(out.get("anomalies").asInt()).isPositive();
            assertThat(out.get("errors")).hasSize(1);
            JsonNode error = out.get("errors").get(0);
            assertThat(error.get("index").asInt()).isEqualTo(30);
            assertThat(error.get("field").asText()).isEqualTo("time");
            assertThat(error.get("error").asText()).startsWith("field 'time': '-999999999-01-01T00:00:00Z' is before "
                    + "1970-01-01T00:00:00Z, the earliest time accepted").contains("a bug of the sender");
            assertThat(s.handed).allSatisfy(a -> assertThat(a.anomaly().time()).isAfter(Instant.EPOCH));

            HttpResponse<String> one = s.post("/v1/score", ancient, TOKEN);
            assertThat(one.statusCode()).isEqualTo(400);
            assertThat(json(one).get("error").asText()).startsWith("event rejected: field 'time': "
                    + "'-999999999-01-01T00:00:00Z' is before 1970-01-01T00:00:00Z");
            // epoch seconds where milliseconds are expected, and a number beyond a long, are named too
            String seconds = ancient.replace("\"-999999999-01-01T00:00:00Z\"", "1762682400");
            assertThat(json(s.post("/v1/score", seconds, TOKEN)).get("error").asText())
                    .contains("looks like epoch seconds");
            String huge = ancient.replace("\"-999999999-01-01T00:00:00Z\"", "18446745869459661301");
            assertThat(json(s.post("/v1/score", huge, TOKEN)).get("error").asText())
                    .contains("does not fit in a 64-bit integer");
        }
    }

    @Test
    void aFutureEventInABatchIsNamedByIndexAndTheRestIsScored() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            String body = TestServer.deletes("u-1", "10.0.0.5", 2)
                    + line(TestServer.delete("u-1", "10.0.0.5", FUTURE))
                    + TestServer.deletes("u-1", "10.0.0.5", 2, TestServer.T0.plusSeconds(10));
            HttpResponse<String> r = s.post("/v1/events", body, TOKEN);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("accepted").asInt()).isEqualTo(4);
            assertThat(json(r).get("rejected").asInt()).isEqualTo(1);
            assertThat(json(r).get("errors").get(0).get("index").asInt()).isEqualTo(2);

            HttpResponse<String> one = s.post("/v1/score", EventCodec.toJson(TestServer.delete("u-2", "10.0.0.5",
                    FUTURE)), TOKEN);
            assertThat(one.statusCode()).isEqualTo(400);
            assertThat(json(one).get("error").asText()).startsWith("event rejected: field 'time': 2099-01-01T00:00:00Z "
                    + "is more than PT5M ahead of the scorer's clock");
        }
    }

    @Test
    void aNameTooLongToRecordAnAnomalyOnIsRefusedByIndexAndTheRestIsScored() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            String longPrincipal = "u-" + "x".repeat(300);
            String body = TestServer.deletes("u-1", "10.0.0.5", 2)
                    + line(TestServer.delete(longPrincipal, "10.0.0.5", TestServer.T0.plusSeconds(5)));
            HttpResponse<String> r = s.post("/v1/events", body, TOKEN);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).get("accepted").asInt()).isEqualTo(2);
            assertThat(json(r).get("errors").get(0).get("index").asInt()).isEqualTo(2);
            assertThat(json(r).get("errors").get(0).get("field").asText()).isEqualTo("principal");
            assertThat(json(r).get("errors").get(0).get("error").asText()).isEqualTo("field 'principal': principal is"
                    + " 302 characters long; the store holds at most 256 (an anomaly on it could not be recorded)");
        }
    }

    @Test
    void anEventReportingAbsurdBytesIsRefusedByNameAndTheRestOfItsBatchIsScored() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            Instant t = TestServer.T0.plusSeconds(30);
            String body = TestServer.deletes("u-1", "10.0.0.5", 30)
                    + line(TestServer.delete("u-1", "10.0.0.5", t).toBuilder().bytesOut(9_000_000_000_000_000_000L)
                            .build())
                    + line(TestServer.delete("u-1", "10.0.0.5", t).toBuilder().bytesIn((1L << 40) + 1).build())
                    + line(TestServer.delete("u-1", "10.0.0.5", t).toBuilder().bytesOut(1L << 40).build())
                    + EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5", t)).replace("}", ",\"bytes_in\":-5}")
                    + "\n" + TestServer.deletes("u-1", "10.0.0.5", 29, t.plusSeconds(1));
            HttpResponse<String> r = s.post("/v1/events", body, TOKEN);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode out = json(r);
            assertThat(out.get("accepted").asInt()).as("the 59 deletes and the event of exactly 1 TiB")
                    .isEqualTo(60);
            assertThat(out.get("anomalies").asInt()).isPositive();
            assertThat(out.get("errors")).extracting(e -> e.get("index").asInt(), e -> e.get("field").asText())
                    .containsExactly(Tuple.tuple(30, "bytes_out"),
                            Tuple.tuple(31, "bytes_in"),
                            Tuple.tuple(33, "bytes_in"));
            assertThat(out.get("errors").get(0).get("error").asText()).isEqualTo("field 'bytes_out': "
                    + "9000000000000000000 is more than 1099511627776 bytes (1 TiB), the most one event may report; "
                    + "one such value would weigh on its principal's and host's volume statistics for a long while. "
                    + "Fix the sender, or raise scorer.max-transfer-bytes if single transfers this large are real");
            assertThat(out.get("errors").get(1).get("error").asText())
                    .startsWith("field 'bytes_in': 1099511627777 is more than 1099511627776 bytes (1 TiB)");
            assertThat(out.get("errors").get(2).get("error").asText())
                    .isEqualTo("field 'bytes_in': expected a non-negative integer number of bytes, got -5");

            HttpResponse<String> one = s.post("/v1/score", EventCodec.toJson(TestServer.delete("u-2", "10.0.0.5",
                    t).toBuilder().bytesOut(9_000_000_000_000_000_000L).build()), TOKEN);
            assertThat(one.statusCode()).isEqualTo(400);
            assertThat(json(one).get("error").asText()).startsWith("event rejected: field 'bytes_out': "
                    + "9000000000000000000 is more than 1099511627776 bytes (1 TiB)");
        }
    }

    @Test
    void theByteLimitIsAKnob() throws Exception {
        String huge = EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5", TestServer.T0).toBuilder()
                .bytesOut(5L << 40).build());
        try (TestServer s = server(ScorerSettings.defaults().withMaxTransferBytes(8L << 40))) {
            assertThat(s.post("/v1/score", huge, TOKEN).statusCode()).isEqualTo(200);
        }
        try (TestServer s = server(ScorerSettings.defaults().withMaxTransferBytes(1_000_000))) {
            HttpResponse<String> r = s.post("/v1/score", huge, TOKEN);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("error").asText()).startsWith("event rejected: field 'bytes_out': 5497558138880 "
                    + "is more than 1000000 bytes, the most one event may report");
        }
        assertThatThrownBy(() -> ScorerSettings.defaults().withMaxTransferBytes(0))
                .hasMessage("invalid scorer.max-transfer-bytes = 0; expected a positive number of bytes, e.g. "
                        + "1099511627776 (1 TiB)");
        assertThatThrownBy(() -> ScorerSettings.defaults().withShards(100_000)).as("each shard is a thread")
                .hasMessage("invalid scorer.shards = 100000; expected 0 (one per core) to 256 (each is a thread)");
    }

    @Test
    void theAllowedSkewIsAKnobAndPastTimesAreAlwaysFine() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (TestServer s = server(ScorerSettings.defaults())) {
            assertThat(s.post("/v1/score", EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5",
                    now.plus(Duration.ofMinutes(3)))), TOKEN).statusCode()).isEqualTo(200);
            assertThat(s.post("/v1/score", EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5",
                    now.plus(Duration.ofMinutes(30)))), TOKEN).statusCode()).isEqualTo(400);
            assertThat(s.post("/v1/score", EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5",
                    Instant.parse("2001-01-01T00:00:00Z"))), TOKEN).statusCode()).isEqualTo(200);
        }
        try (TestServer s = server(ScorerSettings.defaults().withIntake(Duration.ofHours(1), ""))) {
            assertThat(s.post("/v1/score", EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5",
                    now.plus(Duration.ofMinutes(30)))), TOKEN).statusCode()).isEqualTo(200);
        }
        assertThatThrownBy(() -> ScorerSettings.defaults().withIntake(Duration.ZERO, ""))
                .hasMessage("invalid scorer.max-future-skew = PT0S; expected a duration from PT1S to P1D, e.g. PT5M");
        assertThatThrownBy(() -> ScorerSettings.defaults().withIntake(Duration.ofDays(2), ""))
                .hasMessage("invalid scorer.max-future-skew = PT48H; expected a duration from PT1S to P1D, e.g. PT5M");
        assertThatThrownBy(() -> ScorerSettings.defaults().withIntake(Duration.ofMinutes(5), " acme"))
                .hasMessageStartingWith("invalid scorer.default-tenant = ' acme'; expected empty");
    }

    @Test
    void anEventWithoutTenantIsRejectedNamingTheField() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                burst.append(withoutTenant(TestServer.delete("u-1", "10.0.0.5", TestServer.T0.plusSeconds(i))))
                        .append('\n');
            }
            HttpResponse<String> r = s.post("/v1/events", burst.toString(), TOKEN);

            assertThat(json(r).get("anomalies").asInt()).isZero();
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("accepted").asInt()).isZero();
            assertThat(json(r).get("rejected").asInt()).isEqualTo(60);
            assertThat(json(r).get("errors").get(59).get("index").asInt()).isEqualTo(59);
            assertThat(json(r).get("errors").get(0).get("field").asText()).isEqualTo("tenant");
            assertThat(json(r).get("errors").get(0).get("error").asText()).isEqualTo("field 'tenant': is required: the "
                    + "id of the tenant the event belongs to (case-sensitive, e.g. \"acme\"); its events are judged "
                    + "against that tenant's baselines");

            HttpResponse<String> one = s.post("/v1/score", withoutTenant(TestServer.delete("u-1", "10.0.0.5",
                    TestServer.T0)), TOKEN);
            assertThat(one.statusCode()).isEqualTo(400);
            assertThat(json(one).get("error").asText()).startsWith("event rejected: field 'tenant': is required");
        }
    }

    @Test
    void aSingleTenantInstallationNamesItsTenantAndEventsWithoutOneAreJudged() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults().withIntake(Duration.ofMinutes(5), "acme"))) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                burst.append(withoutTenant(TestServer.delete("u-1", "10.0.0.5", TestServer.T0.plusSeconds(i))))
                        .append('\n');
            }
            JsonNode out = json(s.post("/v1/events", burst.toString(), TOKEN));

            assertThat(out.get("accepted").asInt()).isEqualTo(60);
            assertThat(out.get("unjudged").asInt()).isZero();
            assertThat(out.get("anomalies").asInt()).isPositive();
            assertThat(s.handed).allSatisfy(a -> assertThat(a.anomaly().entity().tenant()).isEqualTo("acme"));
        }
    }

    @Test
    void eventsOfATenantWithoutBaselinesAreCountedAndNamedNotSilentlyPassed() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                burst.append(line(TestServer.delete("u-1", "10.0.0.5", TestServer.T0.plusSeconds(i)).toBuilder()
                        .eventId(null).tenant("Acme").build()));
            }
            burst.append(TestServer.deletes("u-2", "10.0.0.5", 1));
            JsonNode out = json(s.post("/v1/events", burst.toString(), TOKEN));

            assertThat(out.get("accepted").asInt()).isEqualTo(61);
            assertThat(out.get("unjudged").asInt()).isEqualTo(60);
            assertThat(out.get("warnings")).hasSize(1);
            assertThat(out.get("warnings").get(0).asText()).isEqualTo("no baselines exist for tenant 'Acme': its "
                    + "events are accepted but not judged until the nightly run has built baselines from its history "
                    + "(tenant ids are case-sensitive)");

            JsonNode one = json(s.post("/v1/score", EventCodec.toJson(TestServer.delete("u-1", "10.0.0.5",
                    TestServer.T0).toBuilder().eventId(null).tenant("Acme").build()), TOKEN));
            assertThat(one.get("warnings").get(0).asText()).startsWith("no baselines exist for tenant 'Acme'");
            JsonNode known = json(s.post("/v1/events", TestServer.deletes("u-2", "10.0.0.5", 1,
                    TestServer.T0.plusSeconds(100)), TOKEN));
            assertThat(known.get("unjudged").asInt()).isZero();
            assertThat(known.has("warnings")).isFalse();

            String metrics = s.get("/metrics", TestServer.OPERATOR).body();
            assertThat(metrics).contains("shadow_scorer_events_unjudged_total 61.0");
        }
    }

    @Test
    void eventsBeforeTheirEntitysCurrentBucketAreCountedAsLateNotSilentlyPassed() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            JsonNode now = json(s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 1,
                    TestServer.T0.plusSeconds(1200)), TOKEN));
            JsonNode backlog = json(s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 10), TOKEN));
            JsonNode inTime = json(s.post("/v1/events", TestServer.deletes("u-1", "10.0.0.5", 3,
                    TestServer.T0.plusSeconds(1201)), TOKEN));
            JsonNode otherEntity = json(s.post("/v1/events", TestServer.deletes("u-2", "10.0.0.5", 2), TOKEN));

            assertThat(List.of(now, backlog, inTime, otherEntity)).allSatisfy(a -> assertThat(a.get("rejected")
                    .asInt()).isZero());
            assertThat(s.get("/metrics", TestServer.OPERATOR).body())
                    .as("the 10 events 20 minutes behind u-1's bucket; u-2's first events are not late")
                    .contains("shadow_scorer_events_late_total 10.0");
            assertThat(s.service.scorer().detector().lateEvents()).isEqualTo(10);
        }
    }

    @Test
    void thousandsOfUnknownTenantsInOneRequestGiveASummarisedAnswerAndABoundedMemory() throws Exception {
        try (TestServer s = server(ScorerSettings.defaults())) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                body.append(line(TestServer.delete("u-1", "10.0.0.5", TestServer.T0).toBuilder().eventId("e-" + i)
                        .tenant("t-" + i).build()));
            }
            HttpResponse<String> r = s.post("/v1/events", body.toString(), TOKEN);

            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode out = json(r);
            assertThat(out.get("unjudged").asInt()).isEqualTo(5000);
            assertThat(out.get("warnings")).hasSize(21);
            assertThat(out.get("warnings").get(0).asText()).startsWith("no baselines exist for tenant 't-0'");
            assertThat(out.get("warnings").get(20).asText()).startsWith("and 4980 more tenant(s) without baselines in "
                    + "this request (5000 unjudged event(s) in all; only the first 20 are named)");
            assertThat(r.body().length()).as("the answer stays small").isLessThan(20_000);
            assertThat(s.service.coverage().remembered()).isEqualTo(io.shadow.scorer.intake.TenantCoverage.MAX_WARNED);
        }
    }
}
