package io.shadow.mitigation.notify;

import io.shadow.mitigation.store.OutboxStore.Delivery;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** Mails a notification in plain text through the configured SMTP server. */
public final class EmailCourier implements Courier {
    public static final String CHANNEL = "email";
    private final Smtp smtp;
    private final Session session;

    public EmailCourier(Smtp smtp, DeliveryPolicy policy) {
        this.smtp = smtp;
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", Integer.toString(smtp.port()));
        p.put("mail.smtp.connectiontimeout", Long.toString(policy.timeout().toMillis()));
        p.put("mail.smtp.timeout", Long.toString(policy.timeout().toMillis()));
        p.put("mail.smtp.writetimeout", Long.toString(policy.timeout().toMillis()));
        p.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
        p.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
        boolean auth = smtp.username() != null && !smtp.username().isBlank();
        p.put("mail.smtp.auth", Boolean.toString(auth));
        this.session = Session.getInstance(p);
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void deliver(Delivery d, int attempt) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(smtp.from()));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(d.destination()));
        m.setSubject(d.subject(), "UTF-8");
        m.setText(d.body(), "UTF-8");
        m.setHeader("X-Shadow-Delivery", d.deliveryId());
        boolean auth = smtp.username() != null && !smtp.username().isBlank();
        try (Transport t = session.getTransport("smtp")) {
            if (auth) {
                t.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
            } else {
                t.connect();
            }
            t.sendMessage(m, m.getAllRecipients());
        } catch (MessagingException e) {
            throw new MessagingException("SMTP " + smtp.host() + ":" + smtp.port() + " refused mail to "
                    + d.destination() + ": " + e.getMessage(), e);
        }
    }
}
