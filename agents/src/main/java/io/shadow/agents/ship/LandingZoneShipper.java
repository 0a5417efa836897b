package io.shadow.agents.ship;

import io.shadow.agents.spool.Spool;
import io.shadow.agents.spool.SpoolRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships spooled events to the landing zone ({@code file://} by default, {@code hdfs://} or another
 * Hadoop FileSystem on clusters). Each batch becomes one NDJSON file named after its
 * sequence range, written under {@code _tmp/} and renamed into {@code events/}, so readers only
 * ever see whole files. The cursor moves only after the rename; a crash in between re-ships the
 * same range to the same name, which is detected and skipped.
 */
public final class LandingZoneShipper {
    public static final String CONSUMER = "landing";
    private static final Logger LOG = LoggerFactory.getLogger(LandingZoneShipper.class);

    private final Spool spool;
    private final LandingZone zone;
    private final String agentId;
    private final int batchRecords;

    /** A shipper for a landing-zone URI; Hadoop (with its default configuration) only for non-file schemes. */
    public LandingZoneShipper(Spool spool, String landingZone, String agentId, int batchRecords) {
        this(spool, landingZone, agentId, batchRecords, null);
    }

    /** The same, with the Hadoop configuration used for non-file schemes (null: Hadoop's defaults). */
    public LandingZoneShipper(Spool spool, String landingZone, String agentId, int batchRecords,
            Configuration conf) {
        if (!agentId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("agent id '" + agentId + "' may only hold letters, digits, '.', '_' "
                    + "and '-': it becomes part of landing-zone file names");
        }
        this.spool = spool;
        spool.registerConsumer(CONSUMER);
        this.agentId = agentId;
        this.batchRecords = batchRecords;
        try {
            URI root = URI.create(landingZone.endsWith("/") ? landingZone : landingZone + "/");
            this.zone = LandingZone.open(root, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach landing zone " + landingZone, e);
        }
    }

    /** Where shipped event files appear. */
    public static String eventsDirectory(String landingZone) {
        return (landingZone.endsWith("/") ? landingZone : landingZone + "/") + "events";
    }

    /**
     * Ships one batch from the cursor.
     *
     * @return records shipped; 0 when the spool is drained
     * @throws IOException when the landing zone is unavailable; nothing is lost, retry later
     */
    public int shipOnce() throws IOException {
        long from = spool.cursor(CONSUMER);
        List<SpoolRecord> batch = spool.read(from, batchRecords);
        if (batch.isEmpty()) {
            return 0;
        }
        long first = batch.get(0).sequence();
        long last = batch.get(batch.size() - 1).sequence();
        String name = String.format("%s-%s-%020d-%020d.ndjson", agentId, spool.id(), first, last);
        if (!zone.exists(name)) {
            zone.publish(name, batch);
        } else {
            LOG.info("landing file events/{} already present (re-ship after a restart); skipping the write", name);
        }
        spool.commitCursor(CONSUMER, last + 1);
        return batch.size();
    }

    /** Ships until the spool is drained; returns the number of records shipped. */
    public long drain() throws IOException {
        long total = 0;
        int n;
        while ((n = shipOnce()) > 0) {
            total += n;
        }
        return total;
    }

    public void close() throws IOException {
        zone.close();
    }
}
