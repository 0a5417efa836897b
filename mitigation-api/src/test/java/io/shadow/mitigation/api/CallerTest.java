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
                .hasMessage("the operator token 'ops' names a tenant; only user tokens do (auth.tokens[].tenant): "
                        + "remove it, this role is not confined to one tenant");
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
