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
        assertThat(new Caller("alice", Role.USER, "alice").seesEverything()).isFalse();
    }
}
