package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.NotificationRecord;
import java.util.LinkedHashSet;
import java.util.Set;

/** Mails every notification to its recipient (and the operators' addresses) through the outbox. */
public final class EmailNotifier implements Notifier {
    private final Outbox outbox;
    private final Smtp smtp;

    public EmailNotifier(Outbox outbox, Smtp smtp) {
        this.outbox = outbox;
        this.smtp = smtp;
    }

    @Override
    public void send(NotificationRecord n) {
        Set<String> to = new LinkedHashSet<>();
        String own = smtp.addressOf(n.recipient());
        if (own != null) {
            to.add(own);
        }
        to.addAll(smtp.operators());
        for (String address : to) {
            outbox.enqueue(EmailCourier.CHANNEL, address, "notification." + n.kind(), n.subject(), n.body());
        }
    }
}
