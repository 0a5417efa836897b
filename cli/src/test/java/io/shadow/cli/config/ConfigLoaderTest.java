package io.shadow.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes in a real config file, as {@code serve --config FILE} reads it: each names the key and the fix. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ShadowConfig load(String yaml, String... sets) throws Exception {
        Path file = Files.writeString(dir.resolve("shadow.yaml"), "data-dir: " + dir.resolve("data") + "\n" + yaml);
        return ConfigLoader.load(file, Map.of(), List.of(sets));
    }

    @Test
    void aDataDirOrCheckpointDirThatIsAFileIsRefusedNamingTheKeyAndCreatingNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("data-dir=" + file)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid data-dir = " + file + " (from --set); expected a folder Shadow can write in, "
                        + "but " + file
                        + " is a file, not a folder. Set data-dir to a writable folder (created if missing)");
        assertThatThrownBy(() -> load("scorer: {checkpoint-dir: " + file.resolve("state") + "}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid scorer.checkpoint-dir = " + file.resolve("state") + "; expected a folder Shadow "
                        + "can write in, but " + file + " is a file, not a folder. Set scorer.checkpoint-dir to a "
                        + "writable folder (created if missing)");
        assertThat(dir.resolve("data")).as("reading a config creates no folder").doesNotExist();
    }

    @Test
    void valuesOfTheWrongShapeSayWhatIsExpectedInPlainWords() {
        assertThatThrownBy(() -> load("intel: {feeds: /etc/x}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid intel.feeds = a single value (not shown); expected a list, e.g. [one, two]");
        assertThatThrownBy(() -> load("scorer: {max-in-flight: lots}\n"))
                .hasMessage("invalid scorer.max-in-flight = lots; expected a whole number");
        assertThatThrownBy(() -> load("", "mitigation.channels.smtp.starttls=maybe"))
                .hasMessage("invalid mitigation.channels.smtp.starttls = maybe (from --set); expected true or false");
    }

    @Test
    void anAgentTimeoutThatIsNotAPositiveDurationIsRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> load("", "mitigation.agent.fetch-timeout=PT0S"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid mitigation.agent.fetch-timeout = PT0S (from --set); expected a positive ISO-8601 "
                        + "duration like PT30S");
        assertThatThrownBy(() -> load("mitigation: {agent: {ack-timeout: 3m}}\n"))
                .hasMessage("invalid mitigation.agent.ack-timeout = 3m; expected an ISO-8601 duration like PT30S or "
                        + "PT2H");
        assertThat(load("").mitigation().agent()).as("the defaults")
                .isEqualTo(new ShadowConfig.Agent("PT1M", "PT3M"));
    }

    @Test
    void aBadValueFromTheEnvironmentOrSetNamesTheVariableOrSet() throws Exception {
        Path file = Files.writeString(dir.resolve("shadow.yaml"), "data-dir: " + dir.resolve("data") + "\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("SHADOW_DETECTOR_THRESHOLD", "abc"), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid detector.threshold = abc (from SHADOW_DETECTOR_THRESHOLD); expected a number");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("SHADOW_DETECTOR_THRESHOLD", "-1"), List.of()))
                .hasMessage("invalid detector.threshold = -1.0 (from SHADOW_DETECTOR_THRESHOLD); expected a positive "
                        + "number of spreads, e.g. 5");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), List.of("server.port=70000")))
                .hasMessage("invalid server.port = 70000 (from --set); expected 0-65535");
        assertThatThrownBy(() -> load("server: {port: 70000}\n"))
                .hasMessage("invalid server.port = 70000; expected 0-65535");
        assertThatThrownBy(() -> load("server: {max-bodies-bytes: -1}\n"))
                .hasMessage("invalid server.max-bodies-bytes = -1; expected 0 (an eighth of the heap) or a number of "
                        + "bytes");
    }

    @Test
    void theNoveltyHalfLifeDefaultsToAnHourAndANegativeOneIsRefused() throws Exception {
        assertThat(load("").detector().toDetectorConfig().noveltyHalfLifeSeconds()).isEqualTo(3600);
        assertThat(load("", "detector.novelty-half-life-seconds=0").detector().noveltyHalfLifeSeconds()).isZero();
        assertThatThrownBy(() -> load("detector: {novelty-half-life-seconds: -5}\n"))
                .hasMessage("invalid detector.novelty-half-life-seconds = -5; expected zero or more seconds, e.g. 3600");
    }

    @Test
    void aUserTokenWithoutItsPrincipalIsRefusedRatherThanShownEveryonesIncidents() throws Exception {
        assertThatThrownBy(() -> load("auth:\n  tokens: [{name: alice, token: alice-token-0123456789, role: user}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid auth.tokens[alice].principal = (empty); expected the principal this "
                        + "user token speaks for");
        assertThat(load("auth:\n  tokens: [{name: ops, token: ops-token-0123456789abc, role: operator}]\n")
                .auth().tokens()).as("operators need no principal").hasSize(1);
    }

    @Test
    void aUserTokenWithoutItsTenantIsRefusedRatherThanSpeakingForNamesakesInEveryTenant() throws Exception {
        assertThatThrownBy(() -> load("auth:\n  tokens: [{name: alice, token: alice-token-0123456789, role: user, "
                + "principal: alice}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid auth.tokens[alice].tenant = (empty); expected the tenant of the principal this "
                        + "user token speaks for, exactly as its events name it (case-sensitive), e.g. {name: alice, "
                        + "role: user, tenant: acme, principal: alice}: principals of different tenants may share a "
                        + "name, and a user sees and decides only their own principal's incidents in their own tenant");
        assertThat(load("auth:\n  tokens: [{name: alice, token: alice-token-0123456789, role: user, tenant: acme, "
                + "principal: alice}]\n").auth().tokens()).singleElement().satisfies(t -> {
                    assertThat(t.tenant()).isEqualTo("acme");
                    assertThat(t.principal()).isEqualTo("alice");
                });
    }

    @Test
    void onlyUserAgentAndGatewayTokensNameATenantAndNoTwoTokensShareAUsersName() throws Exception {
        assertThatThrownBy(() -> load("auth:\n  tokens: [{name: ops, token: ops-token-0123456789abc, role: operator, "
                + "tenant: acme}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid auth.tokens[ops].tenant = acme; expected no tenant: only user, agent and "
                        + "gateway tokens name one (role operator is not confined to one tenant); remove the key");
        assertThat(load("auth:\n  tokens: [{name: nginx, token: nginx-token-0123456789a, role: gateway, "
                + "tenant: acme}]\n").auth().tokens().get(0).tenant()).isEqualTo("acme");
        assertThatThrownBy(() -> load("auth:\n  tokens: [{name: nginx, token: nginx-token-0123456789a, role: gateway, "
                + "tenant: ' acme'}]\n"))
                .hasMessage("invalid auth.tokens[nginx].tenant = ' acme'; expected the tenant this gateway token is "
                        + "confined to, exactly as its events name it (no surrounding white space), or no tenant key");
        assertThatThrownBy(() -> load("""
                auth:
                  tokens:
                    - {name: alice, token: alice-acme-token-0123456789, role: user, tenant: acme, principal: alice}
                    - {name: alice, token: alice-globex-token-0123456789, role: user, tenant: globex, principal: alice}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid auth.tokens[alice].name = alice; expected a name no other token has (decisions, "
                        + "Idempotency-Keys and the audit log record a caller by its token's name)");
        assertThatThrownBy(() -> load("""
                auth:
                  tokens:
                    - {name: ops, token: ops-token-0123456789abc, role: operator}
                    - {name: ops, token: ops-token-new-0123456789, role: admin}
                """))
                .as("operators and admins are audited by name too")
                .hasMessageStartingWith("invalid auth.tokens[ops].name = ops; expected a name no other token has");
        assertThatThrownBy(() -> load("auth:\n  tokens: [{token: nameless-token-0123456789, role: operator}]\n"))
                .hasMessage("invalid auth.tokens[0].name = (empty); expected a name for the token (messages, "
                        + "decisions and the audit log name a caller by it)");
    }

    @Test
    void twoEntriesWithTheSameTokenAreRefusedNamingBothWithoutShowingTheToken() {
        // the API looks a caller up by its token: the second entry used to replace the first, so alice was an admin
        assertThatThrownBy(() -> load("""
                auth:
                  tokens:
                    - {name: alice, token: "shared-token-0123456789", role: user, tenant: acme, principal: alice}
                    - {name: ops, token: "shared-token-0123456789", role: admin}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid auth.tokens[ops].token = (hidden); expected a token no other entry has, but "
                        + "auth.tokens[alice] has the same one: that one secret would speak as alice (user) and ops "
                        + "(admin). Give each entry its own random token (at least 16 characters)")
                .hasMessageNotContaining("shared-token");
    }

    @Test
    void aTokenNoAuthorizationHeaderCouldCarryIsRefusedAtStartWithoutShowingIt() throws Exception {
        // the header's token is read without the white space around it: these could never sign anyone in
        for (String token : new String[] {"\"                    \"", "\"op-token-0123456789abcdef   \"",
            "\"  op-token-0123456789abcdef\""}) {
            assertThatThrownBy(() -> load("auth:\n  tokens: [{name: ops, token: " + token + ", role: operator}]\n"))
                    .as(token).isInstanceOf(ConfigException.class)
                    .hasMessage("invalid auth.tokens[ops].token = (hidden); expected a token of printable ASCII "
                            + "without white space at either end (it starts or ends with white space, which is "
                            + "dropped from an 'Authorization: Bearer' header before the token is compared; e.g. "
                            + "openssl rand -hex 24)")
                    .hasMessageNotContaining("op-token");
        }
        for (String token : new String[] {"\"op-token-0123456789\\tabcdef\"", "\"op-token-0123456789\u00e9t\u00e9\""}) {
            assertThatThrownBy(() -> load("auth:\n  tokens: [{name: ops, token: " + token + ", role: operator}]\n"))
                    .as(token).hasMessageContaining("holds a control character or a character beyond ASCII (at "
                            + "character 20)").hasMessageNotContaining("op-token");
        }
        // a space inside was always carried (the header's token is the rest after 'Bearer '): still accepted
        assertThat(load("auth:\n  tokens: [{name: ops, token: \"op-token 0123456789abcdef\", role: operator}]\n")
                .auth().tokens()).hasSize(1);
    }

    @Test
    void theGatewaysPrincipalCaseIsExactOrIgnoreAndNamedWhenWrong() throws Exception {
        assertThatThrownBy(() -> load("mitigation:\n  gateway:\n    principal-case: lower\n"))
                .hasMessageStartingWith("invalid mitigation.gateway.principal-case = lower; expected exact (the "
                        + "default: 'Alice' is not 'alice') or ignore");
        ShadowConfig exact = load("");
        ShadowConfig ignore = load("", "mitigation.gateway.principal-case=ignore");
        assertThat(io.shadow.cli.runtime.MitigationWiring.options(exact, ResolvedPaths.of(exact), null)
                .ignorePrincipalCase()).isFalse();
        assertThat(io.shadow.cli.runtime.MitigationWiring.options(ignore, ResolvedPaths.of(ignore), null)
                .ignorePrincipalCase()).as("what serve hands the gateway policy").isTrue();
    }

    @Test
    void theEmergencyBudgetDefaultsToFiveInTenMinutesAndABadOneIsNamed() throws Exception {
        ShadowConfig defaults = load("");
        ShadowConfig set = load("", "mitigation.emergency.limit=0", "mitigation.emergency.window=PT1H");
        assertThat(io.shadow.cli.runtime.MitigationWiring.options(defaults, ResolvedPaths.of(defaults), null))
                .satisfies(o -> {
                    assertThat(o.emergencyLimit()).isEqualTo(5);
                    assertThat(o.emergencyWindow()).isEqualTo(Duration.ofMinutes(10));
                });
        assertThat(io.shadow.cli.runtime.MitigationWiring.options(set, ResolvedPaths.of(set), null))
                .satisfies(o -> {
                    assertThat(o.emergencyLimit()).as("the emergency path off").isZero();
                    assertThat(o.emergencyWindow()).isEqualTo(Duration.ofHours(1));
                });
        assertThatThrownBy(() -> load("mitigation:\n  emergency:\n    limit: -1\n"))
                .hasMessageStartingWith("invalid mitigation.emergency.limit = -1; expected 0 or more (0 turns the "
                        + "emergency path off");
        assertThatThrownBy(() -> load("mitigation:\n  emergency:\n    window: 10m\n"))
                .hasMessageStartingWith("invalid mitigation.emergency.window = 10m");
    }

    @Test
    void protectedTargetsAreNoneByDefaultAndReachTheMitigationSide() throws Exception {
        ShadowConfig defaults = load("");
        ShadowConfig set = load("mitigation:\n  protected:\n    principals: [break-glass]\n    resources: "
                + "[\"s3://backups\"]\n", "mitigation.protected.hosts=dc-1,dc-2");
        assertThat(io.shadow.cli.runtime.MitigationWiring.options(defaults, ResolvedPaths.of(defaults), null)
                .protectedTargets().isEmpty()).isTrue();
        assertThat(io.shadow.cli.runtime.MitigationWiring.options(set, ResolvedPaths.of(set), null).protectedTargets())
                .isEqualTo(new io.shadow.mitigation.actuate.Protected(java.util.Set.of("break-glass"),
                        java.util.Set.of("dc-1", "dc-2"), List.of("s3://backups")));
        assertThatThrownBy(() -> load("mitigation:\n  protected:\n    resources: [\"\"]\n"))
                .hasMessageContaining("mitigation.protected: an entry is blank");
    }

    @Test
    void aMisspeltVariableIsWarnedAboutNamingTheSettingItWasMeantForAndTheOthersAreLeftAlone() throws Exception {
        Map<String, String> env = Map.of("SHADOW_SERVER_PROT", "9090", "SHADOW_SERVER_PORT", "9091",
                "SHADOW_LOG_LEVEL", "debug", "SHADOW_AGENT_SPOOL_DIR", "/x", "SHADOW_TEST_PG_URL", "jdbc:x",
                "PATH", "/");

        assertThat(ConfigLoader.strayVariables(env)).containsExactly("environment variable SHADOW_SERVER_PROT is not "
                + "a setting and is ignored; did you mean SHADOW_SERVER_PORT (server.port)? Every SHADOW_<KEY> "
                + "variable names a key of docs/configuration.md");
        assertThat(ConfigLoader.load(null, env, List.of()).server().port()).as("still loads").isEqualTo(9091);
    }

    @Test
    void aSecretOfTheWrongShapeIsNotShownInTheMessage() {
        assertThatThrownBy(() -> load("auth:\n  tokens: [{name: a, token: [s3cr3t-value-0123456789]}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid auth.tokens[0].token = (hidden); expected a text value");
        assertThatThrownBy(() -> load("store: {password: {x: s3cr3t}}\n"))
                .hasMessageStartingWith("invalid store.password = (hidden)").hasMessageNotContaining("s3cr3t");
        // the shapes around a token, wrong (a walkthrough printed the token in each of these)
        assertThatThrownBy(() -> load("auth:\n  tokens: {name: ops, token: s3cr3t-value-0123456789, role: operator}\n"))
                .hasMessage("invalid auth.tokens = (hidden); expected a list, e.g. [one, two]");
        assertThatThrownBy(() -> load("store: sa s3cr3t-pw\n")).as("a single value where a mapping belongs")
                .hasMessage("invalid store = a single value (not shown); expected a mapping of the keys jdbc-url, "
                        + "user, password");
        assertThatThrownBy(() -> load("mitigation: {channels: {webhooks: 'https://hooks.example.com/T0/s3cr3t'}}\n"))
                .hasMessageStartingWith("invalid mitigation.channels.webhooks = a single value (not shown); expected a "
                        + "list").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> load("auth:\n  tokens: [{name: ops, token: s3cr3t-value-0123456789, role: 7}]\n"))
                .as("a token entry's other keys are shown").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> load("auth:\n  tokens:\n    - [ops, s3cr3t-value-0123456789, operator]\n"))
                .hasMessageStartingWith("invalid auth.tokens[0] = (hidden); expected a mapping of the keys name, ");
        assertThatThrownBy(() -> load("auth:\n  tokens:\n    - {name: ops, token: \"s3cr3t-value-0123456789, "
                + "role: x}\n"))
                .hasMessageContaining("not valid YAML at line ").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void aMistypedKeyInATokenIsNamedWithTheKeysATokenHas() {
        assertThatThrownBy(() -> load("auth:\n  tokens: [{name: alice, principle: alice}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("shadow.yaml") + ": unknown key 'auth.tokens[0].principle'; known keys here: "
                        + "[auth.tokens[0].name, auth.tokens[0].token, auth.tokens[0].role, auth.tokens[0].principal, "
                        + "auth.tokens[0].tenant]");
    }

    @Test
    void unreviewedIncidentsAreKeptOutOfLearningForThirtyDaysUnlessConfiguredOtherwise() {
        assertThat(ConfigLoader.load(null, Map.of(), List.of()).mitigation().reviewWindow()).isEqualTo("P30D");
        assertThat(ConfigLoader.load(null, Map.of(), List.of("mitigation.review-window=P14D")).mitigation()
                .reviewWindow()).isEqualTo("P14D");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("mitigation.review-window=-P1D")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("invalid mitigation.review-window = -P1D");
    }
}
