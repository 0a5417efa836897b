package io.shadow.mitigation.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.LoggedWarnings;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.OutboxStore;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbound channels against real receivers: signed webhooks (as the notify_external action
 * and as a notification channel) reach a receiver that verifies the signature and fails the first
 * attempts, with backoff between attempts; e-mail reaches a real SMTP server (GreenMail).
 */
class NotificationChannelsIT {
    private static final String SECRET = "whsec-0123456789abcdef-shared";
    private static final DeliveryPolicy FAST = new DeliveryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(5));
    @TempDir
    Path dir;

    /** Waits for {@code done}, at most a minute: returns as soon as it holds, even on a loaded machine. */
    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(25);
        }
        assertThat(done.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void notifyExternalSendsASignedWebhookRetriedWithBackoffAndAStandDownOnUndo() throws Exception {
        try (SignedReceiver soc = new SignedReceiver(SECRET, 2);
             RunningApi api = RunningApi.start(dir, RunningApi.profiles("data-actions.yaml"),
                     new ManualClock(Assessments.T0), MitigationOptions.defaults(dir.resolve("keys")).withWebhooks(
                             List.of(new Webhook("soc", URI.create(soc.url()), SECRET, Set.of(Webhook.ACTIONS))),
                             FAST))) {
            Outcome o = api.handle(Assessments.risk(90).on(ResourceType.DATABASE, "pg://crm/customers").build());
            assertThat(api.store().actionsOf(o.mitigationId())).singleElement().satisfies(a -> {
                assertThat(a.type()).isEqualTo("notify_external");
                assertThat(a.status()).as(a.detail()).isEqualTo(ActionRecord.APPLIED);
            });

            await(() -> soc.received.stream().anyMatch(r -> r.answered() == 204), "delivered after two failures");
            List<SignedReceiver.Received> got = soc.received;
            assertThat(got).extracting(SignedReceiver.Received::answered).containsExactly(503, 503, 204);
            assertThat(got).extracting(SignedReceiver.Received::attempt).containsExactly("1", "2", "3");
            assertThat(got).allSatisfy(r -> {
                assertThat(r.signatureValid()).isTrue();
                assertThat(r.event()).isEqualTo("mitigation.action.applied");
                assertThat(r.body()).contains("\"resource_id\":\"pg://crm/customers\"", "\"principal\":\"u-1\"");
            });
            assertThat(got.get(1).atMillis() - got.get(0).atMillis()).as("first backoff").isGreaterThanOrEqualTo(190);
            assertThat(got.get(2).atMillis() - got.get(1).atMillis()).as("doubled").isGreaterThanOrEqualTo(390);
            // the receiver answers before the outbox records the delivery: wait for the record too
            await(() -> api.store().auditLog(null).stream().anyMatch(e -> e.action().equals("webhook.delivered")),
                    "delivery recorded");
            assertThat(api.store().auditLog(null)).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("webhook.delivered");
                assertThat(e.detail()).isEqualTo("mitigation.action.applied to soc after 3 attempt(s)");
            });

            api.post("/v1/mitigations/" + o.mitigationId() + "/reject", RunningApi.OPERATOR, "");
            await(() -> soc.received.stream().anyMatch(r -> "mitigation.action.undone".equals(r.event())
                    && r.answered() == 204), "stand-down delivered");
        }
    }

    @Test
    void aForgedOrWrongSecretIsRefusedByTheReceiverAndShadowGivesUpAfterItsAttempts() throws Exception {
        try (SignedReceiver soc = new SignedReceiver("a-different-secret-0123456789", 0);
             RunningApi api = RunningApi.start(dir, RunningApi.profiles("data-actions.yaml"),
                     new ManualClock(Assessments.T0), MitigationOptions.defaults(dir.resolve("keys")).withWebhooks(
                             List.of(new Webhook("soc", URI.create(soc.url()), SECRET, Set.of(Webhook.ACTIONS))),
                             new DeliveryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(50),
                                     Duration.ofSeconds(5))))) {
            api.handle(Assessments.risk(90).on(ResourceType.DATABASE, "pg://crm/customers").build());

            OutboxStore outbox = api.service().outbox().store();
            await(() -> outbox.all("webhook").stream().allMatch(d -> d.status().equals(OutboxStore.FAILED)),
                    "given up");
            assertThat(soc.received).extracting(SignedReceiver.Received::signatureValid).containsExactly(false, false);
            assertThat(outbox.all("webhook")).singleElement().satisfies(d -> assertThat(d.lastError())
                    .isEqualTo("webhook soc at " + Webhook.shown(URI.create(soc.url())) + " answered HTTP 401")
                    .as("the URL's path, often the receiver's secret, is not kept").doesNotContain("/hook"));
        }
    }

    @Test
    void everyNotificationIsMailedToItsRecipientAndTheOperatorsAndPostedToNotificationWebhooks() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        smtp.start();
        try (SignedReceiver hook = new SignedReceiver(SECRET, 1);
             RunningApi api = RunningApi.start(dir, RunningApi.profiles("data-actions.yaml"),
                     new ManualClock(Assessments.T0), MitigationOptions.defaults(dir.resolve("keys"))
                             .withWebhooks(List.of(new Webhook("chat", URI.create(hook.url()), SECRET,
                                     Set.of(Webhook.NOTIFICATIONS))), FAST)
                             .withSmtp(new Smtp("127.0.0.1", smtp.getSmtp().getPort(), "shadow@acme.example", "", "",
                                     false, "acme.example", List.of("soc@acme.example"))))) {
            Outcome o = api.handle(Assessments.risk(40).build());

            await(() -> smtp.getReceivedMessages().length == 2, "two e-mails");
            MimeMessage[] mails = smtp.getReceivedMessages();
            assertThat(Arrays.stream(mails).map(m -> {
                try {
                    return m.getAllRecipients()[0].toString();
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            })).containsExactlyInAnyOrder("u-1@acme.example", "soc@acme.example");
            assertThat(mails[0].getSubject()).as("its profile only logs").isEqualTo("[Shadow] Logged, not contained: "
                    + "low risk from u-1 on " + Assessments.BUCKET);
            assertThat(mails[0].getFrom()[0].toString()).isEqualTo("shadow@acme.example");
            String body = ((String) mails[0].getContent()).replace("\r\n", "\n");
            assertThat(body).contains("Why: risk 40/100", "deletes_per_hour", "What was done",
                    "log: recorded in the audit log", "How to undo: reject mitigation " + o.mitigationId());

            await(() -> hook.received.stream().anyMatch(r -> r.answered() == 204), "notification webhook");
            assertThat(hook.received).extracting(SignedReceiver.Received::event)
                    .containsOnly("notification.mitigation_applied");
            assertThat(hook.received.get(1).body()).contains(o.incidentId(), "How to undo");

            // the same notice sent again (held while the store was out, then resent whole): queued once per address
            var n = api.store().notifications(o.incidentId()).get(0);
            var outbox = api.service().outbox();
            int queued = outbox.store().all("email").size() + outbox.store().all("webhook").size();
            new EmailNotifier(outbox, new Smtp("127.0.0.1", smtp.getSmtp().getPort(), "shadow@acme.example", "", "",
                    false, "acme.example", List.of("soc@acme.example"))).send(n);
            new WebhookNotifier(outbox, List.of(new Webhook("chat", URI.create(hook.url()), SECRET,
                    Set.of(Webhook.NOTIFICATIONS)))).send(n);
            assertThat(outbox.store().all("email").size() + outbox.store().all("webhook").size()).isEqualTo(queued);
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aNoticeForTheSecurityTeamIsMailedToTheOperatorsOnlyNotToAnAddressAtTheTenantsDomain() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        smtp.start();
        try (RunningApi api = RunningApi.start(dir, RunningApi.profiles("data-actions.yaml"),
                new ManualClock(Assessments.T0), MitigationOptions.defaults(dir.resolve("keys"))
                        .withSmtp(new Smtp("127.0.0.1", smtp.getSmtp().getPort(), "shadow@acme.example", "", "",
                                false, "acme.example", List.of("soc@acme.example"))))) {
            Outcome o = api.handle(Assessments.risk(40).ofHost().principal(null).build()); // a host's, no one's

            await(() -> smtp.getReceivedMessages().length >= 1, "an e-mail");
            Thread.sleep(500); // a second would come as fast
            assertThat(smtp.getReceivedMessages()).singleElement().satisfies(m -> assertThat(
                    m.getAllRecipients()[0].toString()).isEqualTo("soc@acme.example"));
            assertThat(api.store().notifications(o.incidentId())).singleElement()
                    .satisfies(n -> assertThat(n.recipient()).isEqualTo("security-operators"));
        } finally {
            smtp.stop();
        }
    }

    @Test
    void withDomainsPerTenantANamesakeOfAnotherTenantIsNotMailedAtTheFirstTenantsDomain() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        smtp.start();
        try (RunningApi api = RunningApi.start(dir, RunningApi.profiles("data-actions.yaml"),
                new ManualClock(Assessments.T0), MitigationOptions.defaults(dir.resolve("keys"))
                        .withSmtp(new Smtp("127.0.0.1", smtp.getSmtp().getPort(), "shadow@acme.example", "", "",
                                false, "", List.of("acme=acme.example", "initech=initech.example"),
                                List.of("soc@acme.example"))))) {
            api.handle(Assessments.risk(40).build());
            api.handle(Assessments.risk(40).tenant("globex").build());

            await(() -> smtp.getReceivedMessages().length == 3, "three e-mails");
            Thread.sleep(500); // a fourth would come as fast
            List<String> to = new java.util.ArrayList<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                to.add(m.getAllRecipients()[0].toString());
            }
            assertThat(to).as("globex's u-1 is not acme's u-1@acme.example; globex has no domain: only the operators")
                    .containsExactlyInAnyOrder("u-1@acme.example", "soc@acme.example", "soc@acme.example");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void withDomainsPerTenantAPrincipalNamedAfterAnotherDomainsAddressIsNotMailed() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        smtp.start();
        try (LoggedWarnings warnings = LoggedWarnings.of(EmailNotifier.class);
                RunningApi api = RunningApi.start(dir, RunningApi.profiles("data-actions.yaml"),
                        new ManualClock(Assessments.T0), MitigationOptions.defaults(dir.resolve("keys"))
                                .withSmtp(new Smtp("127.0.0.1", smtp.getSmtp().getPort(), "shadow@acme.example", "",
                                        "", false, "", List.of("acme=acme.example", "globex=globex.example"),
                                        List.of("soc@acme.example"))))) {
            // acme's principals, both named as addresses: one in acme's domain, one in globex's
            api.handle(Assessments.risk(40).principal("ceo@globex.example").build());
            api.handle(Assessments.risk(40).principal("bob@ACME.example").build());

            await(() -> smtp.getReceivedMessages().length == 3, "three e-mails");
            Thread.sleep(500); // a fourth would come as fast
            List<String> to = new java.util.ArrayList<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                to.add(m.getAllRecipients()[0].toString());
            }
            assertThat(to).as("acme's notifications never reach globex's CEO")
                    .containsExactlyInAnyOrder("bob@ACME.example", "soc@acme.example", "soc@acme.example");
            assertThat(warnings.messages()).containsExactly("principal 'ceo@globex.example' of tenant 'acme' gets no "
                    + "e-mail, only the operators' addresses do (logged once per tenant): with "
                    + "mitigation.channels.smtp.domains set, a principal is mailed only in its tenant's domain "
                    + "(acme.example), not at an address of another domain, which could be another tenant's");
        } finally {
            smtp.stop();
        }
    }
}
