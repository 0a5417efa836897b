package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.actuate.KeyVault;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every denial: each route refuses a request without a token (401) and every role it does not
 * admit (403, naming the roles it does), admin passes everywhere; a user is refused what is about
 * someone else.
 */
class RouteRolesTest {
    @TempDir
    Path dir;

    private record Route(String method, String path, Set<String> roles) {
    }

    private static final Map<String, String> TOKENS = Map.of("agent", RunningApi.AGENT, "gateway", RunningApi.GATEWAY,
            "service", RunningApi.SERVICE, "user", RunningApi.USER_U1, "operator", RunningApi.OPERATOR);

    private static HttpResponse<String> call(RunningApi api, String method, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.header("Accept", "application/json").method(method, method.equals("POST")
                ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachRouteRefusesEveryRoleItDoesNotAdmitAndRequestsWithoutAToken() {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            Outcome o = api.handle(Assessments.risk(40).build());
            String m = "/v1/mitigations/" + o.mitigationId();
            List<Route> routes = List.of(
                    new Route("GET", "/v1/decision", Set.of("gateway", "service", "agent")),
                    new Route("POST", "/v1/assessments", Set.of("service")),
                    new Route("GET", "/v1/incidents", Set.of("user", "operator")),
                    new Route("GET", "/v1/incidents/" + o.incidentId(), Set.of("user", "operator")),
                    new Route("POST", m + "/approve", Set.of("user", "operator")),
                    new Route("POST", m + "/reject", Set.of("user", "operator")),
                    new Route("POST", m + "/modify", Set.of("user", "operator")),
                    new Route("POST", m + "/release", Set.of("operator")),
                    new Route("GET", "/v1/me", Set.of("user", "operator")),
                    new Route("GET", "/v1/feedback", Set.of("operator")),
                    new Route("GET", "/v1/audit", Set.of("operator")),
                    new Route("GET", "/v1/notifications", Set.of("user", "operator")),
                    new Route("GET", "/v1/notifications/stream", Set.of("user", "operator")),
                    new Route("GET", "/v1/history/users/u-1", Set.of("user", "operator")),
                    new Route("GET", "/v1/history/resources?id=x", Set.of("user", "operator")),
                    new Route("GET", "/v1/profiles", Set.of("operator")),
                    new Route("POST", "/v1/profiles", Set.of()),
                    new Route("GET", "/v1/profiles/versions", Set.of("operator")),
                    new Route("GET", "/v1/profiles/versions/1", Set.of("operator")),
                    new Route("GET", "/v1/agent/commands?host=ws-17", Set.of("agent")),
                    new Route("POST", "/v1/agent/commands/cmd-x/ack", Set.of("agent")),
                    new Route("GET", "/v1/keys/key-x", Set.of("user", "operator")),
                    new Route("POST", "/v1/keys", Set.of()));
            List<String> checked = new ArrayList<>();
            for (Route r : routes) {
                String bare = r.path().replaceAll("\\?.*", "");
                HttpResponse<String> anonymous = call(api, r.method(), r.path(), null);
                assertThat(anonymous.statusCode()).as("%s %s without a token", r.method(), r.path()).isEqualTo(401);
                for (var role : TOKENS.entrySet()) {
                    if (r.roles().contains(role.getKey())) {
                        continue;
                    }
                    HttpResponse<String> denied = call(api, r.method(), r.path(), role.getValue());
                    assertThat(denied.statusCode()).as("%s %s as %s", r.method(), r.path(), role.getKey())
                            .isEqualTo(403);
                    List<String> allowed = new ArrayList<>(r.roles());
                    allowed.add("admin");
                    assertThat(RunningApi.json(denied).path("error").asText()).isEqualTo("role " + role.getKey()
                            + " may not call " + r.method() + " " + bare + "; allowed: " + allowed.stream().sorted()
                            .filter(x -> !x.equals("admin") || r.roles().isEmpty()).toList()
                            + (r.roles().isEmpty() ? "" : " (and admin, which may call every route)"));
                    checked.add(r.method() + " " + bare + " as " + role.getKey());
                }
                assertThat(call(api, r.method(), r.path(), RunningApi.ADMIN).statusCode())
                        .as("admin may call %s %s", r.method(), r.path()).isNotIn(401, 403);
            }
            assertThat(checked).hasSize(81);
            assertThat(checked).as("a gateway asks for decisions and may call nothing else")
                    .filteredOn(c -> c.endsWith(" as gateway")).hasSize(routes.size() - 1)
                    .contains("POST /v1/assessments as gateway");
        }
    }

    @Test
    void aGatewayTokenAsksForDecisionsButCannotLockAnyoneOut() throws Exception {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            String lockOut = ServiceApp.JSON.writeValueAsString(Assessments.risk(99).tenant("globex")
                    .principal("ceo").build());
            String[] asked = {"X-Shadow-Tenant", "globex", "X-Shadow-Principal", "ceo", "X-Shadow-Resource", "/"};

            HttpResponse<String> posted = api.post("/v1/assessments", RunningApi.GATEWAY, lockOut);
            HttpResponse<String> decided = api.get("/v1/decision", RunningApi.GATEWAY, asked);

            assertThat(posted.statusCode()).isEqualTo(403);
            assertThat(RunningApi.json(posted).path("error").asText()).isEqualTo("role gateway may not call POST "
                    + "/v1/assessments; allowed: [service] (and admin, which may call every route)");
            assertThat(api.store().incidents(null, null, 10)).isEmpty();
            RunningApi.assertVerdict(decided, 200, "allow", RunningApi.json(decided).path("reason").asText());
        }
    }

    @Test
    void aUserIsRefusedAnotherUsersIncidentDecisionHistoryAndKey() {
        try (RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            api.service().engine().actuators().keys().issue(Assessments.TENANT, "u-2"); // rotated below
            Outcome ofU2 = api.handle(Assessments.risk(60).principal("u-2").build());
            String keyOfU2 = api.store().actionsOf(ofU2.mitigationId()).stream()
                    .filter(a -> a.type().equals("rotate_keys")).findFirst().orElseThrow().handle();
            String notYours = "incident " + ofU2.incidentId() + " is not about you (u-1); ask an operator";

            for (String[] c : new String[][] {{"GET", "/v1/incidents/" + ofU2.incidentId(), notYours},
                {"POST", "/v1/mitigations/" + ofU2.mitigationId() + "/approve", notYours},
                {"POST", "/v1/mitigations/" + ofU2.mitigationId() + "/reject", notYours},
                {"POST", "/v1/mitigations/" + ofU2.mitigationId() + "/modify", notYours},
                {"GET", "/v1/history/users/u-2", "history of u-2 is not yours (u-1); ask an operator"},
                {"GET", "/v1/keys/" + keyOfU2, "key " + keyOfU2 + " is not yours (u-1); ask an operator"}}) {
                HttpResponse<String> r = call(api, c[0], c[1], RunningApi.USER_U1);
                assertThat(r.statusCode()).as(c[1]).isEqualTo(403);
                assertThat(RunningApi.json(r).path("error").asText()).isEqualTo(c[2]);
            }
            assertThat(RunningApi.json(call(api, "GET", "/v1/notifications", RunningApi.USER_U1))).isEmpty();
            assertThat(api.store().feedback()).isEmpty();
            HttpResponse<String> own = call(api, "GET", "/v1/keys/" + keyOfU2, RunningApi.USER_U2);
            assertThat(own.statusCode()).as("the owner collects it").isEqualTo(200);
            KeyVault keys = api.service().engine().actuators().keys();
            assertThat(keys.authenticate(Assessments.TENANT, RunningApi.json(own).path("secret").asText()))
                    .hasValue("u-2");
        }
    }
}
