package io.shadow.mitigation.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Band;
import io.shadow.mitigation.OnEveryBackend;
import io.shadow.mitigation.StoreBackend;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V9 numbers the notifications in the order they are stored (what a reconnecting SSE client is
 * replayed in); those of a store made before it are numbered as GET /v1/notifications lists them:
 * by time, then id.
 */
class NotificationOrderMigrationTest extends OnEveryBackend {
    private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");

    private static NotificationRecord notification(String id, Instant at) {
        return new NotificationRecord(id, "inc-1", null, "acme", "mitigation_applied", "u-1", "subject", "body", at);
    }

    @Test
    void notificationsStoredBeforeTheUpgradeAreReplayedByTimeAndLaterOnesAfterThem() {
        StoreBackend backend = store();
        Flyway.configure().dataSource(backend.jdbcUrl(), backend.user(), "")
                .locations("classpath:db/migration", "classpath:db/vendor/" + backend.name()).target("8").load()
                .migrate();
        try (Database v7 = Database.openExisting(backend.jdbcUrl(), backend.user(), "")) {
            MitigationStore old = new MitigationStore(v7);
            old.insertIncident(new Incident("inc-1", "acme", "principal", "u-1", "u-1", "ws-17", "data_storage",
                    "s3://b", "deletes", Band.LOW, 40, Incident.OPEN, T0, T0, T0, 1, "{}"));
            old.insertNotification(notification("ntf-3", T0.plusSeconds(120)));
            old.insertNotification(notification("ntf-2b", T0.plusSeconds(60)));
            old.insertNotification(notification("ntf-2a", T0.plusSeconds(60)));
            old.insertNotification(notification("ntf-1", T0));
        }

        try (Database db = backend.open()) {
            MitigationStore store = new MitigationStore(db);
            store.insertNotification(notification("ntf-0-after-upgrade", T0)); // stored last, whatever its time

            assertThat(store.notificationsAfter("ntf-1", null, null, 10)).extracting(NotificationRecord::notificationId)
                    .containsExactly("ntf-2a", "ntf-2b", "ntf-3", "ntf-0-after-upgrade");
            assertThat(store.notificationsAfter("ntf-1", null, null, 2)).as("the newest when bounded")
                    .extracting(NotificationRecord::notificationId).containsExactly("ntf-3", "ntf-0-after-upgrade");
            assertThat(store.notificationsAfter("ntf-never-stored", null, null, 10)).isEmpty();
        }
    }
}
