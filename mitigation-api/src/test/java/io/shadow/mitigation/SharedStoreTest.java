package io.shadow.mitigation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two Shadow processes on one store behind one load balancer: a gateway's request may reach either,
 * so what one applied, undid or uploaded is in force at the other within {@code mitigation.store-sync}.
 */
class SharedStoreTest extends OnEveryBackend {
    private static final Duration SYNC = Duration.ofMillis(50);
    private final ManualClock clock = new ManualClock(Assessments.T0);

    private RunningApi start() {
        return RunningApi.start(store(), ProfileLoader.defaults(), clock,
                MitigationOptions.defaults(store().dir().resolve("keys")).withStoreSync(SYNC));
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static int decision(RunningApi api, String principal) {
        return api.get("/v1/decision?principal=" + principal, RunningApi.GATEWAY, "X-Shadow-Tenant", "acme")
                .statusCode();
    }

    @Test
    void aLockOutAppliedByOneProcessIsEnforcedByTheOtherAndARejectThroughEitherLiftsItAtBoth() throws Exception {
        try (RunningApi a = start(); RunningApi b = start()) {
            assertThat(decision(b, "u-7")).isEqualTo(200);

            Outcome lockout = a.handle(Assessments.risk(95).principal("u-7").build());

            assertThat(decision(a, "u-7")).as("at once where it was applied").isEqualTo(403);
            await("process b denies u-7", () -> decision(b, "u-7") == 403);
            Thread.sleep(10 * SYNC.toMillis());
            assertThat(decision(a, "u-7")).as("a's own rule survives its syncs").isEqualTo(403);

            HttpResponse<String> reject = b.post("/v1/mitigations/" + lockout.mitigationId() + "/reject",
                    RunningApi.OPERATOR, "");
            assertThat(reject.statusCode()).as(reject.body()).isEqualTo(200);

            assertThat(decision(b, "u-7")).as("at once where it was rejected").isEqualTo(200);
            await("process a lets u-7 through again", () -> decision(a, "u-7") == 200);
            Thread.sleep(10 * SYNC.toMillis());
            assertThat(decision(b, "u-7")).as("the undone rule is not brought back").isEqualTo(200);
        }
    }

    @Test
    void profilesUploadedThroughOneProcessAreInForceAtTheOther() throws Exception {
        String yaml;
        try (InputStream in = ProfileLoader.class.getResourceAsStream(ProfileLoader.DEFAULT_RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("version: 1", "version: 2");
        }
        try (RunningApi a = start(); RunningApi b = start()) {
            HttpResponse<String> upload = a.post("/v1/profiles", RunningApi.ADMIN, yaml);
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);

            await("process b uses profiles v2", () -> b.service().engine().profiles().version() == 2);
            assertThat(b.store().auditLog(null)).as("audited once, by the process that took the upload")
                    .filteredOn(e -> e.action().equals("profiles.updated")).hasSize(1);
        }
    }
}
