package io.shadow.mitigation.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.actuate.ActionType;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileLoaderTest {

    @Test
    void twoProfilesWithOneNameAreRefusedNamingBoth() {
        List<String> problems = problems("""
                version: 1
                author: alice
                thresholds: {low: 30, medium: 55, high: 80}
                profiles:
                  - name: contain
                    band: low
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: log}]
                  - name: contain
                    band: medium
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: log}]
                  - name: stop
                    band: high
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: log}]
                """);

        assertThat(problems).containsExactly("profiles.yaml line 9, key profiles.1.name: profile name 'contain' is "
                + "already used by profiles.0; every profile needs a name of its own");
    }

    private static List<String> problems(String yaml) {
        try {
            ProfileLoader.parse(yaml, "profiles.yaml");
        } catch (ProfileException e) {
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
            return e.problems();
        }
        throw new AssertionError("expected the profiles to be rejected:\n" + yaml);
    }

    @Test
    void bundledDefaultsDefineTheBandsAndCoverEveryBandAndResourceType() {
        ProfileSet defaults = ProfileLoader.defaults();

        assertThat(defaults.version()).isEqualTo(1);
        assertThat(defaults.author()).isEqualTo("shadow-defaults");
        assertThat(List.of(defaults.low(), defaults.medium(), defaults.high())).containsExactly(30.0, 55.0, 80.0);
        assertThat(defaults.band(29.9)).isEqualTo(Band.NONE);
        assertThat(defaults.band(30)).isEqualTo(Band.LOW);
        assertThat(defaults.band(54.9)).isEqualTo(Band.LOW);
        assertThat(defaults.band(55)).isEqualTo(Band.MEDIUM);
        assertThat(defaults.band(80)).isEqualTo(Band.HIGH);
        for (Band b : List.of(Band.LOW, Band.MEDIUM, Band.HIGH)) {
            for (ResourceType t : ResourceType.values()) {
                assertThat(defaults.select(b, t).band()).as("%s/%s", b, t).isEqualTo(b);
            }
        }
        MitigationProfile throttle = defaults.select(Band.LOW, ResourceType.DATA_STORAGE);
        assertThat(throttle.name()).isEqualTo("throttle");
        assertThat(throttle.actions()).containsExactly(
                new ActionSpec(ActionType.RATE_LIMIT, Map.of("per_minute", "20"), Duration.ofHours(1)),
                new ActionSpec(ActionType.LOG, Map.of(), null));
        assertThat(defaults.select(Band.MEDIUM, ResourceType.DATABASE).name()).isEqualTo("contain-data-access");
        assertThat(defaults.select(Band.HIGH, ResourceType.IDENTITY).name()).isEqualTo("emergency-identity-lockout");
    }

    @Test
    void loadsAProfilesFile() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/profiles/short-expiry.yaml").toURI());

        ProfileSet set = ProfileLoader.load(file);

        assertThat(set.version()).isEqualTo(7);
        assertThat(set.select(Band.LOW, ResourceType.NETWORK).actions().get(0).expires()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void reportsEveryProblemOfAFileWithItsLineAndKey() {
        List<String> problems = problems("""
                version: 2
                author: alice@example.com
                thresholds:
                  low: 60
                  medium: 50
                  high: 80
                profiles:
                  - name: throttle
                    band: lowish
                    resource_types: [data_storage, database, identity, compute, process, network]
                    colour: red
                    actions:
                      - type: rate_limit
                        params: {burst: 5}
                        expires: 1 hour
                      - type: quarantine
                """);

        assertThat(problems).containsExactly(
                "profiles.yaml line 3, key thresholds: thresholds must satisfy 0 <= low < medium < high <= 100, "
                        + "got low=60.0 medium=50.0 high=80.0",
                "profiles.yaml line 11, key profiles.0.colour: unknown key 'colour'; allowed here: "
                        + "[actions, band, dry_run, evidence, name, resource_types]",
                "profiles.yaml line 9, key profiles.0.band: unknown band 'lowish'; expected low, medium or high",
                "profiles.yaml line 15, key profiles.0.actions.0.expires: '1 hour' is not an ISO-8601 duration; "
                        + "use e.g. PT30M or PT4H",
                "profiles.yaml line 14, key profiles.0.actions.0.params.burst: unknown param 'burst' of rate_limit; "
                        + "it takes [per_minute]",
                "profiles.yaml line 14, key profiles.0.actions.0.params: rate_limit needs params.per_minute, "
                        + "a positive whole number of requests",
                "profiles.yaml line 16, key profiles.0.actions.1.type: unknown action 'quarantine'; expected one of "
                        + "[log, rate_limit, restrict, lock_user, shutdown_resource, isolate_host, suspend_process, "
                        + "kill_process, rotate_keys, encrypt_data, rollback_table, notify_external]");
    }

    @Test
    void refusesRatesThatAreNotPositiveWholeNumbersAndNamesOrAuthorsTheStoreCannotHold() {
        List<String> problems = problems("""
                version: 2
                author: %s
                thresholds: {low: 30, medium: 55, high: 80}
                profiles:
                  - name: %s
                    band: low
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions:
                      - type: rate_limit
                        params: {per_minute: abc}
                  - name: contain
                    band: medium
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: rate_limit, params: {per_minute: 2147483648}}]
                  - name: shutdown
                    band: high
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: lock_user, params: {pid: [1, 2]}}]
                """.formatted("a".repeat(257), "n".repeat(129)));

        assertThat(problems).containsExactly(
                "profiles.yaml line 2, key author: author is 257 characters long; the store holds at most 256",
                "profiles.yaml line 5, key profiles.0.name: name is 129 characters long; the store holds at most 128",
                "profiles.yaml line 10, key profiles.0.actions.0.params.per_minute: 'abc' is not a positive whole "
                        + "number of requests (1 to 2147483647); use e.g. 20",
                "profiles.yaml line 14, key profiles.1.actions.0.params.per_minute: '2147483648' is not a positive "
                        + "whole number of requests (1 to 2147483647); use e.g. 20",
                "profiles.yaml line 18, key profiles.2.actions.0.params.pid: params.pid must be text or a number, "
                        + "got [1,2]");
    }

    @Test
    void refusesParamsTheActionDoesNotReadRatherThanIgnoringThem() {
        List<String> problems = problems("""
                version: 2
                author: secops
                thresholds: {low: 30, medium: 55, high: 80}
                profiles:
                  - name: slow
                    band: low
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions:
                      - type: rate_limit
                        params: {per_minute: 5, burst: 3}
                  - name: contain
                    band: medium
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: lock_user, params: {duration: PT1H}}]
                  - name: shutdown
                    band: high
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: suspend_process, params: {exe: /usr/bin/xmrig}}]
                """);

        assertThat(problems).containsExactly(
                "profiles.yaml line 10, key profiles.0.actions.0.params.burst: unknown param 'burst' of rate_limit; "
                        + "it takes [per_minute]",
                "profiles.yaml line 14, key profiles.1.actions.0.params.duration: unknown param 'duration' of "
                        + "lock_user; lock_user takes no params");
    }

    @Test
    void namesUnknownTopLevelKeysAndMissingFields() {
        List<String> problems = problems("""
                author: alice@example.com
                thresholds: {low: 30, medium: 55, high: 80}
                profile:
                  - name: throttle
                """);

        assertThat(problems).containsExactly(
                "profiles.yaml line 3, key profile: unknown key 'profile'; allowed here: "
                        + "[author, profiles, thresholds, version]",
                "profiles.yaml line 1, key version: version must be a positive integer, bumped on every change",
                "profiles.yaml line 1, key profiles: profiles must be a non-empty list");
    }

    @Test
    void namesTheBandAndResourceTypePairsNoProfileCovers() {
        List<String> problems = problems("""
                version: 3
                author: alice@example.com
                thresholds: {low: 30, medium: 55, high: 80}
                profiles:
                  - name: throttle
                    band: low
                    resource_types: [data_storage, database, identity, compute, process]
                    actions: [{type: log}]
                  - name: contain
                    band: medium
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: restrict}]
                  - name: shutdown
                    band: high
                    resource_types: [data_storage, database, compute, process, network]
                    actions: [{type: lock_user}]
                """);

        assertThat(problems).containsExactly("profiles.yaml line 4, key profiles: no profile covers "
                + "[low/network, high/identity]; every band needs a profile for every resource type (one without "
                + "evidence: a profile with evidence answers only those anomalies)");
    }

    @Test
    void aProfileWithEvidenceAnswersOnlyThoseAnomaliesAndMustComeBeforeTheProfileForEveryAnomaly() {
        ProfileSet defaults = ProfileLoader.defaults();
        assertThat(defaults.select(Band.MEDIUM, ResourceType.IDENTITY, "failures@identity").name())
                .isEqualTo("contain-failed-logins");
        assertThat(defaults.select(Band.MEDIUM, ResourceType.IDENTITY, "failures@identity").actions())
                .as("five mistyped passwords must not cost an irreversible key rotation")
                .extracting(a -> a.type()).containsExactly(ActionType.RESTRICT);
        assertThat(defaults.select(Band.MEDIUM, ResourceType.IDENTITY, "privileged_ops@identity").name())
                .isEqualTo("contain-identity");
        assertThat(defaults.select(Band.MEDIUM, ResourceType.IDENTITY, "combination@identity").name())
                .isEqualTo("contain-identity");
        assertThat(defaults.select(Band.LOW, ResourceType.DATABASE, "bytes_out@database").name())
                .isEqualTo("restrict-transfer");
        assertThat(defaults.select(Band.LOW, ResourceType.NETWORK, "bytes_out@network").name()).isEqualTo("throttle");
        assertThat(defaults.select(Band.HIGH, ResourceType.IDENTITY, "failures@identity").name())
                .isEqualTo("emergency-identity-lockout");
        assertThat(defaults.select(Band.MEDIUM, ResourceType.IDENTITY).name()).as("the profile for every anomaly")
                .isEqualTo("contain-identity");

        String head = """
                version: 3
                author: alice@example.com
                thresholds: {low: 30, medium: 55, high: 80}
                profiles:
                  - name: everything
                    band: low
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: log}]
                """;
        String tail = """
                  - name: contain
                    band: medium
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: restrict}]
                  - name: shutdown
                    band: high
                    resource_types: [data_storage, database, identity, compute, process, network]
                    actions: [{type: lock_user}]
                """;
        assertThat(problems(head + """
                  - name: new-places
                    band: low
                    resource_types: [identity]
                    evidence: [novel, bytes_out]
                    actions: [{type: restrict}]
                """ + tail)).containsExactly("profiles.yaml line 12, key profiles.1.evidence: profile 'new-places' is "
                + "never chosen: profile 'everything' before it answers every low anomaly of kinds [bytes_out, novel] "
                + "on [identity]; move 'new-places' above it");
        // split over two profiles before it, each answering part of its resource types or kinds
        String split = """
                version: 3
                author: alice@example.com
                thresholds: {low: 30, medium: 55, high: 80}
                profiles:
                  - name: data
                    band: low
                    resource_types: [data_storage, database]
                    actions: [{type: log}]
                  - name: rest
                    band: low
                    resource_types: [identity, compute, process, network]
                    actions: [{type: log}]
                  - name: transfers
                    band: low
                    resource_types: [database, identity]
                    evidence: [bytes_out]
                    actions: [{type: restrict}]
                  - name: twice
                    band: low
                    resource_types: [network]
                    actions: [{type: log}]
                """ + tail;
        assertThat(problems(split)).containsExactly("profiles.yaml line 16, key profiles.2.evidence: profile "
                + "'transfers' is never chosen: profiles ['data', 'rest'] before it answer every low anomaly of kinds "
                + "[bytes_out] on [database, identity]; move 'transfers' above them", "profiles.yaml line 20, key "
                + "profiles.3.resource_types: profile 'twice' is never chosen: profile 'rest' before it answers every "
                + "low anomaly on [network]; move 'twice' above it");
        assertThat(ProfileLoader.parseStored(split, "stored profiles v3").profiles()).as("a version stored before "
                + "this check loads, with a warning: the service must start after an upgrade").hasSize(6);
        assertThat(problems(head + """
                  - name: typo
                    band: medium
                    resource_types: [identity]
                    evidence: [failed_logins]
                    actions: [{type: restrict}]
                """ + tail)).singleElement().asString().startsWith("profiles.yaml line 12, key profiles.1.evidence.0: "
                + "unknown anomaly kind 'failed_logins'; use one of [events, bytes_out, ");
        MitigationProfile novel = new MitigationProfile("n", Band.LOW, java.util.Set.of(ResourceType.IDENTITY),
                java.util.Set.of("novel"), false, List.of(new ActionSpec(ActionType.LOG, Map.of(), null)));
        assertThat(novel.matches(Band.LOW, ResourceType.IDENTITY, "novel_source_network+user_agent@identity")).isTrue();
        assertThat(novel.matches(Band.LOW, ResourceType.IDENTITY, "events@identity")).isFalse();
        assertThat(novel.matches(Band.LOW, ResourceType.IDENTITY)).as("covers only some anomalies").isFalse();
    }

    @Test
    void refusesAFileThatIsNotYaml() {
        assertThat(problems("version: 1\nprofiles: [unclosed\n")).singleElement().asString()
                .startsWith("profiles.yaml line 2: not valid YAML: while parsing a flow sequence")
                .contains("expected ',' or ']'");
        assertThat(problems("just some words")).containsExactly("profiles.yaml line 1, key (top level): "
                + "the file must be a mapping with version, author, thresholds and profiles");
    }

    @Test
    void refusesAKeyGivenTwiceRatherThanLettingTheLastOneWin() {
        // the second expires would silently have made a one-hour lockout a one-day one
        String yaml = "version: 1\nauthor: a\nthresholds: {low: 30, medium: 55, high: 80}\nprofiles:\n"
                + "  - name: lock\n    band: high\n    resource_types: [identity]\n    actions:\n"
                + "      - type: lock_user\n        expires: PT1H\n        expires: P1D\n";
        assertThat(problems(yaml)).containsExactly("profiles.yaml line 11: key 'expires' is given twice in one "
                + "mapping (the second ends near here); give it once");
        // a version stored before this was refused still loads, as it did then, rather than stop the service
        String stored = defaultYaml().replaceFirst("expires: PT1H\n", "expires: PT1H\n        expires: PT2H\n");
        assertThat(ProfileLoader.parseStored(stored, "stored profiles v1").select(Band.LOW, ResourceType.DATABASE,
                "bytes_out@database").actions().get(1).expires()).isEqualTo(java.time.Duration.ofHours(2));
        assertThatThrownBy(() -> ProfileLoader.parse(stored, "uploaded profiles")).hasMessageContaining(
                "key 'expires' is given twice");
    }

    @Test
    void aRejectedFileIsAnIllegalArgumentSoTheApiAnswers400() {
        assertThatThrownBy(() -> ProfileLoader.parse("version: 0", "x.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x.yaml line 1, key version: version must be a positive integer");
    }

    private static String defaultYaml() {
        try (var in = ProfileLoader.class.getResourceAsStream(ProfileLoader.DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
