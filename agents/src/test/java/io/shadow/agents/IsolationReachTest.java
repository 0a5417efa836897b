package io.shadow.agents;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With isolation on, the agent must still reach Shadow once isolated, when DNS is blocked: an
 * {@code actions.url} host found only through DNS is refused at start.
 */
class IsolationReachTest {
    @TempDir
    Path dir;

    @Test
    void plainHttpToAnotherMachineIsToldApart() {
        org.assertj.core.api.Assertions.assertThat(Agent.inClear("http://10.0.0.7:8080")).isTrue();
        org.assertj.core.api.Assertions.assertThat(Agent.inClear("HTTP://shadow.example")).isTrue();
        org.assertj.core.api.Assertions.assertThat(Agent.inClear("http://127.0.0.1:8080")).isFalse();
        org.assertj.core.api.Assertions.assertThat(Agent.inClear("http://localhost:8080")).isFalse();
        org.assertj.core.api.Assertions.assertThat(Agent.inClear("http://[::1]:8080")).isFalse();
        org.assertj.core.api.Assertions.assertThat(Agent.inClear("https://10.0.0.7:8443")).isFalse();
        org.assertj.core.api.Assertions.assertThat(Agent.inClear("")).isFalse();
    }

    @Test
    void aHostNameOnlyDnsKnowsIsRefusedAnAddressOrAHostsFileNameIsNot() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n10.0.0.7  shadow-api.internal "
                + "shadow  # Shadow\n# 10.0.0.8 commented.example\n");

        assertThatThrownBy(() -> Agent.reachableWhileIsolated(URI.create("https://shadow.example:8443"), hosts))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid actions.url = https://shadow.example:8443 with actions.isolation: nftables; its "
                        + "host 'shadow.example' is looked up through DNS, which isolation blocks, so an isolated host "
                        + "could not fetch its release: give actions.url with Shadow's IP address, or add "
                        + "'shadow.example' to " + hosts);
        assertThatThrownBy(() -> Agent.reachableWhileIsolated(URI.create("https://commented.example"), hosts))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> Agent.reachableWhileIsolated(URI.create("https://SHADOW-API.internal:8443"), hosts))
                .doesNotThrowAnyException();
        assertThatCode(() -> Agent.reachableWhileIsolated(URI.create("https://10.0.0.7:8443"), hosts))
                .doesNotThrowAnyException();
        assertThatCode(() -> Agent.reachableWhileIsolated(URI.create("http://[fd00::7]:8080"), hosts))
                .doesNotThrowAnyException();
    }
}
