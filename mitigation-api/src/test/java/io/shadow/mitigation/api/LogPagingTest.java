package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.store.AuditEntry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log only grows (its rows cannot be deleted), and so does the feedback: they are read a page at a
 * time, never whole into the service's heap (a walkthrough's finding: {@code GET /v1/audit?limit=1} returned every
 * entry). A misspelt or repeated query parameter is refused rather than ignored.
 */
class LogPagingTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;
    private final List<Outcome> outcomes = new ArrayList<>();

    @BeforeEach
    void start() {
        api = RunningApi.start(dir.resolve("store"), ProfileLoader.defaults(), clock);
        for (int i = 0; i < 3; i++) {
            outcomes.add(api.handle(Assessments.risk(40).principal("u-" + i).build()));
            clock.advance(Duration.ofMinutes(1));
        }
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static List<Long> seqs(HttpResponse<String> r) {
        return StreamSupport.stream(RunningApi.json(r).spliterator(), false).map(e -> e.path("seq").asLong()).toList();
    }

    @Test
    void theAuditLogIsReadNewestPageFirstOldestFirstWithinAPageAndPagedBackByItsSequenceNumbers() {
        List<Long> all = api.store().auditLog(null).stream().map(AuditEntry::seq).toList();
        assertThat(all).hasSizeGreaterThan(4);

        HttpResponse<String> newest = api.get("/v1/audit?limit=2", RunningApi.OPERATOR);
        assertThat(newest.statusCode()).as(newest.body()).isEqualTo(200);
        assertThat(seqs(newest)).isEqualTo(all.subList(all.size() - 2, all.size()));
        assertThat(newest.headers().firstValue("X-Total-Count")).hasValue(Integer.toString(all.size()));

        HttpResponse<String> back = api.get("/v1/audit?limit=2&before=" + seqs(newest).get(0), RunningApi.OPERATOR);
        assertThat(seqs(back)).isEqualTo(all.subList(all.size() - 4, all.size() - 2));
        assertThat(back.headers().firstValue("X-Total-Count")).hasValue(Integer.toString(all.size() - 2));

        String mitigation = outcomes.get(0).mitigationId();
        HttpResponse<String> ofOne = api.get("/v1/audit?subject=" + mitigation, RunningApi.OPERATOR);
        assertThat(RunningApi.json(ofOne)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("subject").asText()).isEqualTo(mitigation));
    }

    @Test
    void theFeedbackIsReadAPageAtATimeAndPagedBackByTheTimeOfItsFirstDecision() {
        for (Outcome o : outcomes) {
            assertThat(api.decide(o.mitigationId(), "approve", "{}").statusCode()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(1));
        }
        HttpResponse<String> newest = api.get("/v1/feedback?limit=2", RunningApi.OPERATOR);
        JsonNode page = RunningApi.json(newest);
        assertThat(page).extracting(f -> f.path("mitigationId").asText())
                .containsExactly(outcomes.get(1).mitigationId(), outcomes.get(2).mitigationId());
        assertThat(newest.headers().firstValue("X-Total-Count")).hasValue("3");

        HttpResponse<String> back = api.get("/v1/feedback?limit=2&before=" + page.get(0).path("feedbackId").asText(),
                RunningApi.OPERATOR);
        assertThat(RunningApi.json(back)).extracting(f -> f.path("mitigationId").asText())
                .containsExactly(outcomes.get(0).mitigationId());
    }

    @Test
    void decisionsTakenAtTheSameInstantArePagedWithoutLosingOne() {
        for (Outcome o : outcomes) { // the clock does not move: three decisions at one instant
            assertThat(api.decide(o.mitigationId(), "approve", "{}").statusCode()).isEqualTo(200);
        }
        List<String> seen = new ArrayList<>();
        String before = null;
        for (int page = 0; page < 3; page++) {
            JsonNode p = RunningApi.json(api.get("/v1/feedback?limit=1" + (before == null ? "" : "&before=" + before),
                    RunningApi.OPERATOR));
            assertThat(p).hasSize(1);
            seen.add(p.get(0).path("mitigationId").asText());
            before = p.get(0).path("feedbackId").asText();
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(outcomes.stream().map(Outcome::mitigationId).toList());
    }

    @Test
    void aMisspeltRepeatedOrMalformedQueryParameterIsRefusedNamingIt() {
        assertRefused(api.get("/v1/audit?limt=1", RunningApi.OPERATOR), "unknown query parameter 'limt' on GET "
                + "/v1/audit; it takes subject, limit, before");
        assertRefused(api.get("/v1/incidents?limit=2&limit=3", RunningApi.OPERATOR), "query parameter 'limit' is "
                + "given 2 times; give it once");
        assertRefused(api.get("/v1/incidents?offset=10", RunningApi.OPERATOR), "unknown query parameter 'offset' on "
                + "GET /v1/incidents; it takes principal, tenant, status, limit");
        assertRefused(api.get("/v1/feedback?before=yesterday", RunningApi.OPERATOR), "query parameter 'before' must "
                + "be the feedbackId of a decision (the first of a page, to read the page before it); there is no "
                + "decision yesterday");
        assertRefused(api.get("/v1/audit?limit=5000", RunningApi.OPERATOR), "query parameter 'limit' must be a whole "
                + "number from 1 to 1000 (got '5000')");
    }

    private static void assertRefused(HttpResponse<String> r, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(RunningApi.json(r).path("error").asText()).isEqualTo(error);
    }
}
