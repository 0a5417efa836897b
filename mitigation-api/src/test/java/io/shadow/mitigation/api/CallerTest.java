package io.shadow.mitigation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallerTest {
    @Test
    void aUserMustSpeakForAPrincipalOtherRolesNeedNone() {
        assertThatThrownBy(() -> new Caller("alice", Role.USER, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the user token 'alice' names no principal");
        assertThatThrownBy(() -> new Caller("alice", Role.USER, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Caller("ops", Role.OPERATOR, null).seesEverything()).isTrue();
        assertThat(new Caller("alice", Role.USER, "acme", "alice").seesEverything()).isFalse();
    }

    @Test
    void aUserMustNameTheTenantOfTheirPrincipalOtherRolesNameNone() {
        assertThatThrownBy(() -> new Caller("alice", Role.USER, "alice"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the user token 'alice' names no tenant; a user token must name the tenant of the "
                        + "principal it speaks for (auth.tokens[].tenant, exactly as its events name it): principals "
                        + "of different tenants may share a name");
        assertThatThrownBy(() -> new Caller("alice", Role.USER, " ", "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no tenant");
        assertThatThrownBy(() -> new Caller("ops", Role.OPERATOR, "acme", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the operator token 'ops' names a tenant; only user, agent and gateway tokens do "
                        + "(auth.tokens[].tenant): remove it, this role is not confined to one tenant");
        assertThatThrownBy(() -> new Caller("scorer-2", Role.SERVICE, "acme", null))
                .hasMessageStartingWith("the service token 'scorer-2' names a tenant");
        assertThat(new Caller("nginx", Role.GATEWAY, "acme", null).actsIn("globex")).as("a gateway may name one")
                .isFalse();
    }

    @Test
    void anAgentTokenNamingATenantActsInThatTenantOnly() {
        Caller web1 = new Caller("acme-web-1", Role.AGENT, "acme", "web-1");
        Caller unbound = new Caller("collectors", Role.AGENT, null);

        assertThat(web1.actsIn("acme")).isTrue();
        assertThat(web1.actsIn("globex")).isFalse();
        assertThat(web1.actsIn("Acme")).as("tenant ids are case-sensitive").isFalse();
        assertThat(unbound.actsIn("globex")).isTrue();
        assertThat(web1.seesEverything()).isFalse();
        assertThatThrownBy(() -> new Caller("web-1", Role.AGENT, " ", "web-1"))
                .hasMessage("the agent token 'web-1' names a blank tenant; name its tenant exactly as events do "
                        + "(auth.tokens[].tenant), or leave the key out");
    }

    @Test
    void aUserSpeaksForTheirPrincipalInTheirTenantOnly() {
        Caller alice = new Caller("alice", Role.USER, "acme", "alice");

        assertThat(alice.speaksFor("acme", "alice")).isTrue();
        assertThat(alice.speaksFor("globex", "alice")).as("a namesake in another tenant").isFalse();
        assertThat(alice.speaksFor("ACME", "alice")).as("tenant ids are case-sensitive").isFalse();
        assertThat(alice.speaksFor("acme", "bob")).isFalse();
        assertThat(alice.sees("acme")).isTrue();
        assertThat(alice.sees("globex")).isFalse();
        Caller ops = new Caller("ops", Role.OPERATOR, null);
        assertThat(ops.speaksFor("globex", "alice")).isTrue();
        assertThat(ops.sees("globex")).isTrue();
    }
}
