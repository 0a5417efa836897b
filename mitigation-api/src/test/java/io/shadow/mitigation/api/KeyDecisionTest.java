package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /v1/decision with an access key (X-Shadow-Key): the rules in force for the key's owner apply
 * as well as those for the principal the gateway names, the stricter verdict wins; a revoked key or
 * one of another tenant is denied; a key Shadow never issued has no say.
 */
class KeyDecisionTest {
    private static final String OWNER = " (principal 'u-1', the owner of the access key in X-Shadow-Key";
    private static final String OTHER_BUCKET = "s3://acme-public/site";

    @TempDir
    Path dir;
    private RunningApi api;
    private String key;

    @BeforeEach
    void start() {
        api = RunningApi.start(dir, ProfileLoader.defaults(), new ManualClock(Assessments.T0));
        key = api.issueKey("u-1");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** A decision in tenant acme with these headers (name, value, ...) besides the tenant. */
    private HttpResponse<String> ask(String... headers) {
        List<String> all = new ArrayList<>(List.of("X-Shadow-Tenant", Assessments.TENANT));
        all.addAll(List.of(headers));
        return api.decisionWith(all.toArray(String[]::new));
    }

    @Test
    void aLockedOutUsersKeyIsDeniedAloneAndWithAnotherUsersHeader() {
        // the workload emergency locks u-1 out without rotating keys: the key stays active
        Outcome lockout = api.handle(Assessments.risk(90).on(ResourceType.COMPUTE, "vm-7").host("ws-42").build());
        assertThat(api.service().engine().actuators().keys().authenticate(Assessments.TENANT, key)).hasValue("u-1");

        RunningApi.assertVerdict(ask("X-Shadow-Principal", "u-1", "X-Shadow-Key", key), 403, "deny", "user locked out");
        RunningApi.assertVerdict(ask("X-Shadow-Key", key), 403, "deny", "user locked out" + OWNER + ")");
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave", "X-Shadow-Key", key), 403, "deny",
                "user locked out" + OWNER + "; the request names 'dave')");
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave"), 200, "allow", "no rule applies");

        assertThat(api.decide(lockout.mitigationId(), "reject", "").statusCode()).isEqualTo(200);
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave", "X-Shadow-Key", key), 200, "allow", "no rule applies");
    }

    @Test
    void withPrincipalCaseIgnoredTheKeyOwnersLockOutHoldsUnderEveryCaseAndEveryLookAlikeName() {
        api.close();
        api = RunningApi.start(dir.resolve("folding"), ProfileLoader.defaults(), new ManualClock(Assessments.T0),
                io.shadow.mitigation.MitigationOptions.defaults(dir.resolve("folding-keys")).withPrincipalCase(true));
        key = api.issueKey("u-1");
        api.handle(Assessments.risk(90).on(ResourceType.COMPUTE, "vm-7").host("ws-42").build()); // u-1 locked out

        for (String name : List.of("u-1", "U-1", "dave")) {
            assertThat(ask("X-Shadow-Principal", name).statusCode()).as(name + " without the key")
                    .isEqualTo(name.equals("dave") ? 200 : 403);
        }
        // "ı" (dotless i) and "İ" fold to i for equalsIgnoreCase but not for the rule index: with the key,
        // the owner's rules must still be asked
        // sent as UTF-8 bytes, as nginx passes a name on (HttpClient would send '?')
        api.handle(Assessments.risk(90).principal("alice").on(ResourceType.COMPUTE, "vm-8").host("ws-43").build());
        String alicesKey = api.issueKey("alice");
        for (String name : List.of("alice", "ALICE", "al\u0131ce", "AL\u0130CE", "dave")) {
            var answer = api.rawDecision("X-Shadow-Tenant: " + Assessments.TENANT, "X-Shadow-Principal: " + name,
                    "X-Shadow-Key: " + alicesKey);
            assertThat(answer.getKey()).as("alice's key under the name " + name + ": " + answer.getValue())
                    .isEqualTo(403);
        }
    }

    @Test
    void theKeyOwnersRateLimitCountsWhoeverTheRequestNames() {
        api.handle(Assessments.risk(40).build()); // u-1: 20 requests a minute

        for (int i = 1; i <= 20; i++) {
            RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave", "X-Shadow-Key", key), 200, "allow",
                    "within the rate limit" + OWNER + "; the request names 'dave')");
        }
        HttpResponse<String> throttled = ask("X-Shadow-Key", key);
        RunningApi.assertVerdict(throttled, 429, "throttle", "rate limited" + OWNER + ")");
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("60");
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave"), 200, "allow", "no rule applies");
    }

    @Test
    void anUnknownKeyHasNoSayWhileARevokedOneIsDenied() {
        String appsOwnKey = "app-key-7f3a91";
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave", "X-Shadow-Key", appsOwnKey), 200, "allow", "no rule applies");

        api.handle(Assessments.risk(60).build()); // restricts u-1 on the bucket and rotates u-1's keys

        String keyId = api.service().engine().actuators().keys().keyIds(Assessments.TENANT, "u-1", "revoked").get(0);
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave", "X-Shadow-Key", key), 403, "deny",
                "access key revoked (" + keyId + ")");
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "u-1", "X-Shadow-Resource", OTHER_BUCKET, "X-Shadow-Key", appsOwnKey),
                200, "allow", "no rule applies");
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "u-1", "X-Shadow-Resource", Assessments.BUCKET, "X-Shadow-Key",
                appsOwnKey), 403, "deny", "restricted on " + Assessments.BUCKET);
    }

    @Test
    void aKeyOfAnotherTenantDoesNotAuthenticateThereAndItsIdIsNotToldThere() {
        String keyId = api.service().engine().actuators().keys().keyIds(Assessments.TENANT, "u-1", "active").get(0);

        HttpResponse<String> there = api.decisionWith("X-Shadow-Tenant", "globex", "X-Shadow-Principal", "dave",
                "X-Shadow-Key", key);
        RunningApi.assertVerdict(there, 403, "deny", "the access key in X-Shadow-Key was not issued for tenant 'globex'; "
                + "a key authenticates only at the gateway of its own tenant");
        assertThat(there.body()).doesNotContain(keyId);
        RunningApi.assertVerdict(ask("X-Shadow-Principal", "dave", "X-Shadow-Key", key), 200, "allow", "no rule applies");
    }
}
