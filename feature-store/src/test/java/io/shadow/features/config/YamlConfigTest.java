package io.shadow.features.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values of the wrong type or shape, from a file, the environment or --set: the key, the value, what is expected. */
class YamlConfigTest {
    /** A small config with a value of each type, a list of values and a list of mappings. */
    record Settings(int maxInFlight, double ratio, boolean starttls, String name, List<String> feeds,
            List<Token> tokens, Limits limits) {
    }

    record Token(String name, String principal, String roleName) {
    }

    record Limits(long maxBytes) {
    }

    private static final String DEFAULTS = """
            max-in-flight: 8
            ratio: 0.5
            starttls: false
            name: shadow
            feeds: []
            tokens: []
            limits:
              max-bytes: 1024
            """;

    @TempDir
    Path dir;

    private Settings load(String yaml, Map<String, String> env, String... sets) throws Exception {
        Path file = yaml == null ? null : Files.writeString(dir.resolve("test.yaml"), yaml);
        return YamlConfig.load(Settings.class, DEFAULTS, file, env, "TEST", List.of(sets));
    }

    private Settings load(String yaml) throws Exception {
        return load(yaml, Map.of());
    }

    @Test
    void aKeyGivenTwiceIsAnErrorNotTheLastOneWinning() {
        assertThatThrownBy(() -> load("max-in-flight: 8\nname: a\nmax-in-flight: 16\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("test.yaml") + ": key 'max-in-flight' is given twice")
                .hasMessageEndingWith("; give it once");
    }

    @Test
    void aValueOfTheWrongTypeSaysWhatIsExpectedInPlainWords() {
        assertThatThrownBy(() -> load("max-in-flight: lots"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid max-in-flight = lots; expected a whole number");
        assertThatThrownBy(() -> load("ratio: half"))
                .hasMessage("invalid ratio = half; expected a number");
        assertThatThrownBy(() -> load("starttls: maybe"))
                .hasMessage("invalid starttls = maybe; expected true or false");
        assertThatThrownBy(() -> load("name: [a, b]"))
                .hasMessage("invalid name = a list of 2 items; expected a text value");
        assertThatThrownBy(() -> load("limits: {max-bytes: 1 KiB}"))
                .hasMessage("invalid limits.max-bytes = 1 KiB; expected a whole number");
        assertThatThrownBy(() -> load("max-in-flight: 99999999999"))
                .hasMessage("invalid max-in-flight = 99999999999; expected a whole number from -2147483648 to "
                        + "2147483647");
    }

    @Test
    void aDecimalWhereAWholeNumberIsExpectedIsAnErrorNotRoundedDown() {
        assertThatThrownBy(() -> load("max-in-flight: 8.5"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid max-in-flight = 8.5; expected a whole number");
        assertThatThrownBy(() -> load("limits: {max-bytes: 1024.5}"))
                .hasMessage("invalid limits.max-bytes = 1024.5; expected a whole number");
        assertThatThrownBy(() -> load(null, Map.of("TEST_MAX_IN_FLIGHT", "8.5")))
                .hasMessage("invalid max-in-flight = 8.5 (from TEST_MAX_IN_FLIGHT); expected a whole number");
        assertThatThrownBy(() -> load(null, Map.of(), "limits.max-bytes=1024.5"))
                .hasMessage("invalid limits.max-bytes = 1024.5 (from --set); expected a whole number");
    }

    @Test
    void aSingleValueWhereAListIsExpectedShowsTheList() {
        assertThatThrownBy(() -> load("feeds: /etc/x"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid feeds = a single value (not shown); expected a list, e.g. [one, two]");
        assertThatThrownBy(() -> load("tokens: [admin]")).as("a token's line may hold its secret")
                .hasMessage("invalid tokens[0] = (hidden); expected a mapping of the keys name, principal, role-name");
    }

    @Test
    void aSecretInAWrongShapeOrABrokenLineNeverAppearsInTheMessage() {
        String secret = "s3cr3t-0123456789abcdef";
        assertThatThrownBy(() -> load("tokens: {name: ops, token: " + secret + "}"))
                .hasMessage("invalid tokens = (hidden); expected a list, e.g. [one, two]");
        assertThatThrownBy(() -> load("limits: [ops, " + secret + "]"))
                .hasMessage("invalid limits = a list of 2 items; expected a mapping of the keys max-bytes");
        assertThatThrownBy(() -> load("limits: {max-bytes: {token: " + secret + "}}"))
                .hasMessage("invalid limits.max-bytes = a mapping of token; expected a whole number");
        assertThatThrownBy(() -> load("name: shadow\ntokens:\n  - {name: ops, token: \"" + secret + ", role: x}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML at line 4, column 1: found unexpected end of stream (while "
                        + "scanning a quoted scalar from line 3, column ")
                .hasMessageEndingWith("; fix the file's syntax there")
                .hasMessageNotContaining(secret);
    }

    @Test
    void anUnknownKeyInAListItemIsNamedWithTheKeysKnownThere() {
        Path file = dir.resolve("test.yaml");
        assertThatThrownBy(() -> load("tokens: [{name: a, principle: alice}]"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": unknown key 'tokens[0].principle'; known keys here: [tokens[0].name, "
                        + "tokens[0].principal, tokens[0].role-name]");
        // the top-level check says it the same way
        assertThatThrownBy(() -> load("limits: {max-byte: 1}"))
                .hasMessage(file + ": unknown key 'limits.max-byte'; known keys here: [limits.max-bytes]");
    }

    @Test
    void environmentAndSetOverridesAreExplainedTheSameWayNamingTheVariableOrSet() {
        assertThatThrownBy(() -> load(null, Map.of("TEST_MAX_IN_FLIGHT", "eight")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid max-in-flight = eight (from TEST_MAX_IN_FLIGHT); expected a whole number");
        assertThatThrownBy(() -> load(null, Map.of(), "starttls=yes please"))
                .hasMessage("invalid starttls = yes please (from --set); expected true or false");
        assertThatThrownBy(() -> load(null, Map.of(), "tokens=admin"))
                .hasMessage("invalid tokens[0] = (hidden) (from --set); expected a mapping of the keys name, "
                        + "principal, role-name");
        assertThatThrownBy(() -> load("ratio: half", Map.of("TEST_MAX_IN_FLIGHT", "9")))
                .as("a value from the file names no variable")
                .hasMessage("invalid ratio = half; expected a number");
        assertThatThrownBy(() -> load(null, Map.of("TEST_RATIO", "half"), "ratio=lots"))
                .hasMessage("invalid ratio = lots (from --set); expected a number");
    }

    @Test
    void aValidationErrorAboutAnOverriddenValueNamesTheVariableOrSetToo() throws Exception {
        java.util.function.Consumer<Settings> validate = s -> ConfigException.check(s.maxInFlight() > 0,
                "max-in-flight", s.maxInFlight(), "at least 1");
        Path file = Files.writeString(dir.resolve("test.yaml"), "max-in-flight: 0\n");
        assertThatThrownBy(() -> YamlConfig.load(Settings.class, DEFAULTS, file, Map.of(), "TEST", List.of(), validate))
                .hasMessage("invalid max-in-flight = 0; expected at least 1");
        assertThatThrownBy(() -> YamlConfig.load(Settings.class, DEFAULTS, null, Map.of("TEST_MAX_IN_FLIGHT", "0"),
                "TEST", List.of(), validate))
                .hasMessage("invalid max-in-flight = 0 (from TEST_MAX_IN_FLIGHT); expected at least 1");
        assertThatThrownBy(() -> YamlConfig.load(Settings.class, DEFAULTS, null, Map.of(), "TEST",
                List.of("max-in-flight=-2"), validate))
                .hasMessage("invalid max-in-flight = -2 (from --set); expected at least 1");
    }

    @Test
    void aListFromTheEnvironmentOrSetIsCommaSeparatedWithOrWithoutTheFilesBrackets() throws Exception {
        assertThat(load(null, Map.of(), "feeds=/etc/x,/etc/y").feeds()).containsExactly("/etc/x", "/etc/y");
        assertThat(load(null, Map.of(), "feeds=[/etc/x, /etc/y]").feeds()).containsExactly("/etc/x", "/etc/y");
        assertThat(load(null, Map.of("TEST_FEEDS", "[/etc/x]")).feeds()).containsExactly("/etc/x");
        assertThat(load("feeds: [/etc/x]", Map.of(), "feeds=[]").feeds()).isEmpty();
    }

    @Test
    void valuesOfTheRightTypeLoad() throws Exception {
        Settings s = load("feeds: [/etc/x]\ntokens: [{name: a, role-name: admin}]\n", Map.of("TEST_RATIO", "0.25"),
                "starttls=true");
        assertThat(s.feeds()).containsExactly("/etc/x");
        assertThat(s.tokens()).containsExactly(new Token("a", null, "admin"));
        assertThat(s.ratio()).isEqualTo(0.25);
        assertThat(s.starttls()).isTrue();
    }
}
