package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /v1/incidents?status=: the open or the resolved ones only, with X-Total-Count saying how many match in all. */
class IncidentListTest extends OnEveryBackend {
    private RunningApi api;
    private Outcome ofU1;
    private Outcome ofU2;
    private Outcome ofU3;

    @BeforeEach
    void start() {
        api = RunningApi.start(store(), ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        ofU1 = api.handle(Assessments.risk(40).build());
        ofU2 = api.handle(Assessments.risk(40).principal("u-2").build());
        ofU3 = api.handle(Assessments.risk(40).principal("u-3").build());
        assertThat(api.decide(ofU2.mitigationId(), "reject", "{}").statusCode()).isEqualTo(200); // resolves it
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static List<String> ids(HttpResponse<String> r) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : RunningApi.json(r)) {
            out.add(i.path("incidentId").asText());
        }
        return out;
    }

    private static String total(HttpResponse<String> r) {
        return r.headers().firstValue("X-Total-Count").orElse("none");
    }

    @Test
    void openAndResolvedIncidentsAreListedApartEachWithItsTotal() {
        HttpResponse<String> open = api.get("/v1/incidents?status=open", RunningApi.OPERATOR);
        HttpResponse<String> resolved = api.get("/v1/incidents?status=resolved", RunningApi.OPERATOR);
        HttpResponse<String> firstOpen = api.get("/v1/incidents?status=open&limit=1", RunningApi.OPERATOR);
        HttpResponse<String> all = api.get("/v1/incidents", RunningApi.OPERATOR);

        assertThat(ids(open)).containsExactlyInAnyOrder(ofU1.incidentId(), ofU3.incidentId());
        assertThat(total(open)).isEqualTo("2");
        assertThat(ids(resolved)).containsExactly(ofU2.incidentId());
        assertThat(total(resolved)).isEqualTo("1");
        assertThat(ids(firstOpen)).hasSize(1);
        assertThat(total(firstOpen)).as("beyond the limit").isEqualTo("2");
        assertThat(ids(all)).hasSize(3);
        assertThat(total(all)).isEqualTo("3");
    }

    @Test
    void aUserCountsOnlyTheirOwnAndAnUnknownStatusIsRefused() {
        HttpResponse<String> mineOpen = api.get("/v1/incidents?status=open", RunningApi.USER_U1);
        HttpResponse<String> mineResolved = api.get("/v1/incidents?status=resolved", RunningApi.USER_U1);
        HttpResponse<String> otherTenant = api.get("/v1/incidents?tenant=globex", RunningApi.USER_U1);
        HttpResponse<String> closed = api.get("/v1/incidents?status=closed", RunningApi.OPERATOR);

        assertThat(ids(mineOpen)).containsExactly(ofU1.incidentId());
        assertThat(total(mineOpen)).isEqualTo("1");
        assertThat(ids(mineResolved)).isEmpty();
        assertThat(total(mineResolved)).isEqualTo("0");
        assertThat(total(otherTenant)).isEqualTo("0");
        assertThat(closed.statusCode()).isEqualTo(400);
        assertThat(RunningApi.json(closed).path("error").asText()).isEqualTo("query parameter 'status' must be open "
                + "or resolved (got 'closed'); leave it out for both");
    }
}
