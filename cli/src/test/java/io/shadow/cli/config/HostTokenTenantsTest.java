package io.shadow.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.features.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent token bound to a host names its tenant: required once the configuration names several
 * tenants (host names are each tenant's own), warned about otherwise, so single-tenant configurations
 * keep starting.
 */
class HostTokenTenantsTest {
    private static final String WEB_1 = "    - {name: web-1, token: web-1-token-0123456789, role: agent, "
            + "principal: web-1}\n";
    private static final String ALICE = "    - {name: alice, token: alice-token-0123456789, role: user, tenant: acme, "
            + "principal: alice}\n";
    private static final String CEO = "    - {name: ceo, token: ceo-token-0123456789ab, role: user, tenant: globex, "
            + "principal: ceo}\n";

    @TempDir
    Path dir;

    private ShadowConfig load(String tokens, String... sets) throws Exception {
        Path file = Files.writeString(dir.resolve("shadow.yaml"), "data-dir: " + dir.resolve("data")
                + "\nauth:\n  tokens:\n" + tokens);
        return ConfigLoader.load(file, Map.of(), List.of(sets));
    }

    @Test
    void aHostBoundAgentTokenWithoutATenantIsRefusedWhereSeveralTenantsAreNamed() {
        assertThatThrownBy(() -> load(WEB_1 + ALICE + CEO))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid auth.tokens[web-1].tenant = (empty); expected the tenant of host web-1, exactly "
                        + "as its events name it, e.g. {name: web-1, role: agent, tenant: acme, principal: web-1}: "
                        + "this configuration names several tenants [acme, globex], and an agent token bound to a "
                        + "host but to no tenant may send events and read commands of a host named web-1 in every "
                        + "tenant");
        assertThatThrownBy(() -> load(WEB_1 + ALICE, "mitigation.channels.smtp.domains=acme=acme.example,"
                + "globex=globex.example")).as("tenants named by their mail domains")
                .hasMessageContaining("names several tenants [acme, globex]");
        assertThatThrownBy(() -> load(WEB_1 + ALICE, "scorer.default-tenant=globex"))
                .hasMessageContaining("names several tenants [acme, globex]");
    }

    @Test
    void aHostBoundAgentTokenNamingItsTenantIsTakenAndUnboundOnesNeedNone() throws Exception {
        ShadowConfig c = load(WEB_1.replace("role: agent,", "role: agent, tenant: acme,") + ALICE + CEO
                + "    - {name: collectors, token: collectors-token-0123456789, role: agent}\n");

        assertThat(c.auth().tokens()).filteredOn(t -> t.name().equals("web-1")).singleElement()
                .satisfies(t -> assertThat(t.tenant()).isEqualTo("acme"));
        assertThat(HostTokenTenants.warnings(c)).isEmpty();
        assertThatThrownBy(() -> load(WEB_1.replace("role: agent,", "role: agent, tenant: ' acme',")))
                .hasMessageStartingWith("invalid auth.tokens[web-1].tenant = ' acme'; expected the tenant this agent "
                        + "token is confined to, exactly as its events name it (no surrounding white space)");
    }

    @Test
    void aSingleTenantConfigurationKeepsStartingAndIsWarnedHowToConfineTheToken() throws Exception {
        ShadowConfig c = load(WEB_1 + ALICE);

        assertThat(HostTokenTenants.warnings(c)).containsExactly("auth.tokens[web-1] is bound to host web-1 but to "
                + "no tenant: it may send events and read commands of a host named web-1 in every tenant. Add "
                + "tenant: <the tenant of web-1's events> to the entry (required once the configuration names a "
                + "second tenant)");
    }
}
