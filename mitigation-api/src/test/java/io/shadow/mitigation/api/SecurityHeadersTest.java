package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.profile.ProfileLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every answer says: no sniffing, no framing, no referrer; API answers are not cached; the UI's files carry a CSP. */
class SecurityHeadersTest {
    static final String CSP = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";
    @TempDir
    Path dir;
    private RunningApi api;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static void hardened(HttpResponse<String> r) {
        assertThat(r.headers().allValues("X-Content-Type-Options")).as(r.uri().toString()).containsExactly("nosniff");
        assertThat(r.headers().allValues("X-Frame-Options")).as(r.uri().toString()).containsExactly("DENY");
        assertThat(r.headers().allValues("Referrer-Policy")).as(r.uri().toString()).containsExactly("no-referrer");
    }

    @Test
    void theUiFilesMayNotBeFramedNorRunInlineScript() {
        for (String file : List.of("/ui/index.html", "/ui/app.js", "/ui/style.css")) {
            HttpResponse<String> r = api.get(file, null);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            hardened(r);
            assertThat(r.headers().allValues("Content-Security-Policy")).as(file).containsExactly(CSP);
            assertThat(r.headers().allValues("Cache-Control")).as(file).containsExactly("max-age=0");
        }
        HttpResponse<String> html = api.get("/ui/index.html", null);
        assertThat(html.body()).as("nothing inline the policy would block").doesNotContain("<script>", "style=",
                "<style", "onclick=");
    }

    @Test
    void apiAnswersAreNotCachedRefusalsAndErrorsIncluded() {
        api.handle(Assessments.risk(40).build());
        HttpResponse<String> incidents = api.get("/v1/incidents", RunningApi.OPERATOR);
        HttpResponse<String> refused = api.get("/v1/incidents", "no-such-token-0123456789abcdef");
        HttpResponse<String> noRoute = api.get("/v1/no-such-route", RunningApi.OPERATOR);
        HttpResponse<String> health = api.get("/health", null);

        assertThat(List.of(incidents.statusCode(), refused.statusCode(), noRoute.statusCode(), health.statusCode()))
                .containsExactly(200, 401, 404, 200);
        for (HttpResponse<String> r : List.of(incidents, refused, noRoute, health)) {
            hardened(r);
            assertThat(r.headers().allValues("Cache-Control")).as(r.uri().toString()).containsExactly("no-store");
        }
    }
}
