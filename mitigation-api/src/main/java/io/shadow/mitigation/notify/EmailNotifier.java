package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.NotificationRecord;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mails every notification to its recipient (and the operators' addresses) through the outbox; a
 * recipient of a tenant without a domain in {@code mitigation.channels.smtp.domains}, or an address
 * outside its tenant's domain there, gets no mail (WARN once per tenant).
 */
public final class EmailNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(EmailNotifier.class);
    private final Outbox outbox;
    private final Smtp smtp;
    private final Set<String> warnedTenants = ConcurrentHashMap.newKeySet();

    public EmailNotifier(Outbox outbox, Smtp smtp) {
        this.outbox = outbox;
        this.smtp = smtp;
    }

    @Override
    public void send(NotificationRecord n) {
        Set<String> to = new LinkedHashSet<>();
        // the security team's notices go to smtp.operators only, never to a made-up security-operators@domain
        String own = n.forOperators() ? null : smtp.addressOf(n.tenant(), n.recipient());
        if (own != null) {
            to.add(own);
        } else if (n.recipient() != null && !n.forOperators() && !smtp.domains().isEmpty() && warnedTenants.add(String.valueOf(n.tenant()))) {
            String d = smtp.domainOf(n.tenant());
            LOG.warn("principal '{}' of tenant '{}' gets no e-mail, only the operators' addresses do (logged once per "
                    + "tenant): {}", n.recipient(), n.tenant(), d == null
                    ? "the tenant has no domain in mitigation.channels.smtp.domains; add '" + n.tenant()
                            + "=<its mail domain>'"
                    : "with mitigation.channels.smtp.domains set, a principal is mailed only in its tenant's domain ("
                            + d + "), not at an address of another domain, which could be another tenant's");
        }
        to.addAll(smtp.operators());
        for (String address : to) {
            outbox.enqueue(n.notificationId(), EmailCourier.CHANNEL, address, "notification." + n.kind(), n.subject(),
                    n.body());
        }
    }
}
