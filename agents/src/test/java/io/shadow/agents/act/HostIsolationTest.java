package io.shadow.agents.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code actions.allow}: checked when the agent starts, not when an isolation is first asked for. */
class HostIsolationTest {
    @Test
    void addressesAndAddressPortPairsAreAllowedEntries() {
        for (String ok : List.of("10.0.0.5", "10.0.0.5:8080", "10.0.0.0/24", "fd00::1", "[fd00::1]:8080", "::1",
                "192.168.1.255:65535", "2001:db8:0:0:0:0:0:1", "2001:db8::10", "fd00::/8")) {
            assertThat(HostIsolation.allowed(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("https://shadow.example:8443", "shadow.example", "shadow.example:8443",
                "10.0.0.256", "10.0.0.5:0", "10.0.0.5:70000", "[fd00::1]:x", "10.0.0.5:", "", "fd00:::1",
                "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "[fd00::/8]:80", "abc")) {
            assertThat(HostIsolation.allowed(bad)).as(bad).isFalse();
        }
    }

    @Test
    void aHostNameOrUrlInAllowIsRefusedNamingTheEntry() {
        assertThatThrownBy(() -> new HostIsolation("nft", "", List.of("10.0.0.5", "https://siem.example")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid actions.allow entry 'https://siem.example'; expected an IP address (10.0.0.5, "
                        + "fd00::1, a network 10.0.0.0/24) or address:port (10.0.0.5:8080, [fd00::1]:8080), not a host "
                        + "name or URL: isolation blocks DNS");
    }

    @Test
    void onlyAddressLiteralsNeedNoLookUp() {
        assertThat(HostIsolation.literal("10.1.2.3")).isTrue();
        assertThat(HostIsolation.literal("[fd00::1]")).isTrue();
        assertThat(HostIsolation.literal("shadow.example")).isFalse();
        assertThat(HostIsolation.literal("10.0.0.0/24")).isFalse();
    }
}
