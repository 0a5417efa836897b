package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History per user and per resource, and profile versions uploaded through the API. */
class HistoryAndProfilesTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    @TempDir
    Path dir;

    @Test
    void historyShowsEveryIncidentWithWhatWasDoneAndDecidedIncludingEmergencies() {
        ManualClock clock = new ManualClock(Assessments.T0);
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), clock)) {
            Outcome low = api.handle(Assessments.risk(40).build());
            api.post("/v1/mitigations/" + low.mitigationId() + "/reject", RunningApi.OPERATOR, "");
            clock.advance(java.time.Duration.ofHours(3));
            Outcome high = api.handle(Assessments.risk(90).later(java.time.Duration.ofHours(3)).build());
            api.handle(Assessments.risk(40).principal("u-2").build());

            JsonNode mine = RunningApi.json(api.get("/v1/history/users/u-1", RunningApi.USER_U1));
            assertThat(mine.path("principal").asText()).isEqualTo("u-1");
            assertThat(mine.path("incidents")).hasSize(2);
            JsonNode latest = mine.at("/incidents/0/mitigations/0");
            assertThat(latest.path("mitigationId").asText()).isEqualTo(high.mitigationId());
            assertThat(latest.path("path").asText()).isEqualTo("emergency");
            assertThat(latest.path("actions")).extracting(a -> a.path("type").asText())
                    .contains("lock_user", "shutdown_resource");
            JsonNode rejected = mine.at("/incidents/1/mitigations/0");
            assertThat(rejected.path("status").asText()).isEqualTo("rejected");
            assertThat(rejected.path("decidedBy").asText()).isEqualTo("olga@acme.example");
            assertThat(rejected.path("actions")).extracting(a -> a.path("status").asText()).containsOnly("undone");

            String resource = "/v1/history/resources?id=" + URLEncoder.encode(Assessments.BUCKET, StandardCharsets.UTF_8);
            assertThat(RunningApi.json(api.get(resource, RunningApi.OPERATOR)).path("incidents")).hasSize(3);
            assertThat(RunningApi.json(api.get(resource, RunningApi.USER_U2)).path("incidents"))
                    .as("a user sees only their own incidents on a resource").hasSize(1);
            HttpResponse<String> other = api.get("/v1/history/users/u-1", RunningApi.USER_U2);
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(RunningApi.json(other).path("error").asText())
                    .isEqualTo("history of u-1 is not yours (u-2); ask an operator");
            assertThat(api.get("/v1/history/resources", RunningApi.OPERATOR).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void anIncidentsExplanationIsAnObjectWithTheAnomalyAndItsRiskNotAStringOfJson() {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            Outcome o = api.handle(Assessments.risk(40).build());

            JsonNode answer = RunningApi.json(api.get("/v1/incidents/" + o.incidentId(), RunningApi.OPERATOR));

            for (JsonNode explanation : java.util.List.of(answer.at("/incident/explanation"),
                    answer.at("/mitigations/0/mitigation/explanation"))) {
                assertThat(explanation.isObject()).as("%s", explanation).isTrue();
                assertThat(explanation.at("/anomaly/principal").asText()).isEqualTo("u-1");
                assertThat(explanation.at("/risk/score").asDouble()).isEqualTo(40);
            }
            assertThat(RunningApi.json(api.get("/v1/incidents", RunningApi.OPERATOR)).at("/0/explanation/anomaly/principal")
                    .asText()).as("the list answers it alike").isEqualTo("u-1");
        }
    }

    @Test
    void bandsAreLowerCaseInEveryAnswerAsInProfilesAndHistory() {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            Outcome o = api.handle(Assessments.risk(40).build());

            JsonNode one = RunningApi.json(api.get("/v1/incidents/" + o.incidentId(), RunningApi.OPERATOR));
            assertThat(one.at("/incident/band").asText()).isEqualTo("low");
            assertThat(one.at("/mitigations/0/mitigation/band").asText()).isEqualTo("low");
            assertThat(RunningApi.json(api.get("/v1/incidents", RunningApi.OPERATOR)).at("/0/band").asText())
                    .isEqualTo("low");
            assertThat(RunningApi.json(api.get("/v1/history/users/u-1", RunningApi.USER_U1))
                    .at("/incidents/0/incident/band").asText()).isEqualTo("low");
            JsonNode profiles = RunningApi.json(api.get("/v1/profiles", RunningApi.OPERATOR));
            assertThat(profiles.findValuesAsText("band")).isNotEmpty()
                    .allMatch(b -> b.equals(b.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    @Test
    void theProfilesInForceUseTheProfileFilesSpellings() {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            JsonNode profiles = RunningApi.json(api.get("/v1/profiles", RunningApi.OPERATOR));

            java.util.List<String> types = profiles.findValuesAsText("type");
            assertThat(types).contains("rate_limit", "lock_user").allMatch(t -> t.matches("[a-z_]+"));
            java.util.List<String> resources = new java.util.ArrayList<>();
            profiles.findValues("resourceTypes").forEach(list -> list.forEach(r -> resources.add(r.asText())));
            assertThat(resources).contains("data_storage").allMatch(t -> t.matches("[a-z_]+"));
            java.util.List<JsonNode> expiries = profiles.findValues("expires").stream().filter(e -> !e.isNull())
                    .toList();
            assertThat(expiries).isNotEmpty().allMatch(e -> e.isTextual() && e.asText().startsWith("PT"));
        }
    }

    @Test
    void aValidatedNewProfileVersionIsStoredWithItsAuthorAndStaysInForceAfterARestart() throws Exception {
        String v2 = Files.readString(Path.of(getClass().getResource("/io/shadow/mitigation/profiles/default.yaml")
                .toURI())).replace("version: 1", "version: 2").replace("author: shadow-defaults", "author: alice")
                .replace("per_minute: 20", "per_minute: 5");
        try (RunningApi api = RunningApi.startWithAdmin(dir, ADMIN)) {
            HttpResponse<String> bad = upload(api, ADMIN, v2.replace("band: low", "band: lowish"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(RunningApi.json(bad).path("error").asText()).startsWith("uploaded profiles line 22, key "
                    + "profiles.0.band: unknown band 'lowish'");
            assertThat(upload(api, ADMIN, v2.replace("version: 2", "version: 7")).statusCode()).isEqualTo(409);
            assertThat(upload(api, RunningApi.OPERATOR, v2).statusCode()).as("admin only").isEqualTo(403);

            HttpResponse<String> ok = upload(api, ADMIN, v2);

            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
            assertThat(RunningApi.json(api.get("/v1/profiles", RunningApi.OPERATOR)).path("version").asInt())
                    .isEqualTo(2);
            JsonNode versions = RunningApi.json(api.get("/v1/profiles/versions", RunningApi.OPERATOR));
            assertThat(versions).extracting(v -> v.path("version").asInt() + " " + v.path("author").asText() + " "
                    + v.path("uploadedBy").asText()).containsExactly("2 alice admin", "1 shadow-defaults configuration");
            assertThat(versions).as("the list names each version; its text is GET /v1/profiles/versions/{version}")
                    .allSatisfy(v -> assertThat(v.fieldNames()).toIterable()
                            .containsExactly("version", "author", "uploadedBy", "uploadedAt"));
            assertThat(versions.get(0).path("uploadedAt").asText()).isNotBlank();
            assertThat(api.get("/v1/profiles/versions/2?format=yaml", RunningApi.OPERATOR).body()).isEqualTo(v2);
            String v1 = api.get("/v1/profiles/versions/1?format=yaml", RunningApi.OPERATOR).body();
            assertThat(v1).as("the bundled defaults, stored as read, thresholds in their order")
                    .containsPattern("thresholds:\\s*\\n\\s*low: .*\\n\\s*medium: .*\\n\\s*high: ");
            assertThat(io.shadow.mitigation.profile.ProfileLoader.parse(v1, "v1").profiles())
                    .isEqualTo(io.shadow.mitigation.profile.ProfileLoader.defaults().profiles());
            assertThat(api.store().auditLog("profiles")).extracting(e -> e.action())
                    .contains("profiles.version_stored", "profiles.updated");
        }
        try (RunningApi api = RunningApi.startWithAdmin(dir, ADMIN)) {
            assertThat(api.service().engine().profiles().version()).as("the upload outlives a restart").isEqualTo(2);
            api.handle(Assessments.risk(40).build());
            assertThat(api.store().actionsInForce()).anySatisfy(a -> assertThat(a.params()).containsEntry("per_minute",
                    "5"));
        }
    }

    private static HttpResponse<String> upload(RunningApi api, String token, String yaml) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                + "/v1/profiles")).header("Authorization", "Bearer " + token).header("Content-Type",
                "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
