package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.NotificationRecord;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mails every notification to its recipient (and the operators' addresses) through the outbox; a
 * recipient of a tenant without a domain in {@code mitigation.channels.smtp.domains} gets no mail
 * (WARN once per tenant).
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
        String own = smtp.addressOf(n.tenant(), n.recipient());
        if (own != null) {
            to.add(own);
        } else if (n.recipient() != null && !smtp.domains().isEmpty() && warnedTenants.add(String.valueOf(n.tenant()))) {
            LOG.warn("tenant '{}' has no domain in mitigation.channels.smtp.domains: its principals ({} and others) get "
                    + "no e-mail, only the operators' addresses do; add '{}=<its mail domain>'", n.tenant(),
                    n.recipient(), n.tenant());
        }
        to.addAll(smtp.operators());
        for (String address : to) {
            outbox.enqueue(EmailCourier.CHANNEL, address, "notification." + n.kind(), n.subject(), n.body());
        }
    }
}
