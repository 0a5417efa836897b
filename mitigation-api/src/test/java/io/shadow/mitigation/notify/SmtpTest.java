package io.shadow.mitigation.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a notification for a principal is mailed, with one domain or a domain per tenant. */
class SmtpTest {
    private static Smtp smtp(String domain, List<String> domains) {
        return new Smtp("mail.example", 25, "shadow@acme.example", "", "", false, domain, domains, List.of());
    }

    @Test
    void oneDomainServesEveryTenantAndAnAddressIsKeptAsItIs() {
        Smtp s = smtp("acme.example", List.of());
        assertThat(s.addressOf("acme", "alice")).isEqualTo("alice@acme.example");
        assertThat(s.addressOf("globex", "bob@globex.example")).isEqualTo("bob@globex.example");
        assertThat(smtp("", List.of()).addressOf("acme", "alice")).as("no domain: no address").isNull();
    }

    @Test
    void withDomainsPerTenantEachTenantsPrincipalsAreMailedAtItsOwnAndOthersNotAtAll() {
        Smtp s = smtp("acme.example", List.of("acme=acme.example", "globex = globex.example"));
        assertThat(s.addressOf("acme", "u-1")).isEqualTo("u-1@acme.example");
        assertThat(s.addressOf("globex", "u-1")).isEqualTo("u-1@globex.example");
        assertThat(s.addressOf("initech", "u-1")).as("not the single domain either").isNull();
    }

    @Test
    void withDomainsPerTenantAnAddressIsMailedOnlyInItsTenantsDomain() {
        Smtp s = smtp("", List.of("acme=acme.example", "globex=globex.example"));
        assertThat(s.addressOf("acme", "alice@acme.example")).isEqualTo("alice@acme.example");
        assertThat(s.addressOf("acme", "Alice@ACME.Example")).as("domains are case-insensitive")
                .isEqualTo("Alice@ACME.Example");
        assertThat(s.addressOf("acme", "ceo@globex.example")).as("acme's principal named after globex's CEO")
                .isNull();
        assertThat(s.addressOf("acme", "ceo@globex.example@acme.example.evil")).isNull();
        assertThat(s.addressOf("initech", "bob@initech.example")).as("a tenant without a domain").isNull();
    }

    @Test
    void aPrincipalThatWouldBeReadAsSeveralAddressesGetsNoMail() {
        Smtp perTenant = smtp("", List.of("acme=acme.example"));
        Smtp single = smtp("acme.example", List.of());
        for (String sneaky : List.of("ceo@globex.example, x@acme.example", "ceo@globex.example;x@acme.example",
                "Boss <ceo@globex.example> x@acme.example", "\"a,b\"@acme.example", "a@b@acme.example",
                "x@acme.example (ceo@globex.example)")) {
            assertThat(perTenant.addressOf("acme", sneaky)).as(sneaky).isNull();
            assertThat(single.addressOf("acme", sneaky)).as(sneaky).isNull();
        }
        assertThat(perTenant.addressOf("acme", "alice.smith@acme.example")).isEqualTo("alice.smith@acme.example");
    }

    @Test
    void aMalformedOrRepeatedEntryIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> smtp("", List.of("acme.example"))).hasMessage("mitigation.channels.smtp.domains "
                + "entry 'acme.example' is not tenant=domain, e.g. acme=acme.example");
        assertThatThrownBy(() -> smtp("", List.of("acme=a.example", "acme=b.example"))).hasMessage(
                "mitigation.channels.smtp.domains names tenant 'acme' twice; give each tenant one domain");
    }
}
