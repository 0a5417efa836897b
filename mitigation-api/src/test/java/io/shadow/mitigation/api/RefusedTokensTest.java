package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.LoggedWarnings;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.profile.ProfileLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown bearer tokens are logged as a WARN at most once a minute, counted, with the address and never the token. */
class RefusedTokensTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedTokenIsLoggedWithItsAddressButNotItself() {
        String wrong = "not-a-token-of-this-service-0123456789";
        try (LoggedWarnings warnings = LoggedWarnings.of(RefusedTokens.class);
                RunningApi api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0))) {
            for (int i = 0; i < 3; i++) {
                assertThat(api.get("/v1/incidents", wrong).statusCode()).isEqualTo(401);
            }
            assertThat(api.get("/v1/incidents", RunningApi.OPERATOR).statusCode()).isEqualTo(200);
            assertThat(api.get("/v1/incidents", null).statusCode()).as("no token at all is not a wrong one")
                    .isEqualTo(401);

            assertThat(warnings.messages()).as("the first at once, the rest summed up later").hasSize(1);
            assertThat(warnings.messages().get(0)).startsWith("refused 1 request with an unknown bearer token (401) "
                    + "since ").contains("the latest from 127.0.0.1").doesNotContain(wrong);
        }
    }

    @Test
    void refusalsWithinAMinuteAreSummedUpInTheNextLine() {
        ManualClock clock = new ManualClock(Assessments.T0);
        RefusedTokens refused = new RefusedTokens(clock);
        try (LoggedWarnings warnings = LoggedWarnings.of(RefusedTokens.class)) {
            refused.refused("10.0.0.1");
            for (int i = 2; i <= 5; i++) {
                clock.advance(Duration.ofSeconds(10));
                refused.refused("10.0.0." + i);
            }
            assertThat(warnings.messages()).hasSize(1);
            clock.advance(Duration.ofSeconds(20)); // a minute after the first line
            refused.refused("10.0.0.6");

            assertThat(warnings.messages()).containsExactly(
                    "refused 1 request with an unknown bearer token (401) since 2025-03-03T10:00:00Z, the latest from "
                            + "10.0.0.1; check the token that client sends (auth.tokens)",
                    "refused 5 requests with an unknown bearer token (401) since 2025-03-03T10:00:10Z, the latest from "
                            + "10.0.0.6; check the token that client sends (auth.tokens)");
        }
    }
}
