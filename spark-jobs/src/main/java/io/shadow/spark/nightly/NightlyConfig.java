package io.shadow.spark.nightly;

import io.shadow.features.json.TransferLimit;
import io.shadow.features.table.TableCatalog;
import io.shadow.model.detect.DetectorConfig;
import io.shadow.model.intel.NetworkScope;
import io.shadow.model.intel.taxii.TaxiiSettings;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.ResourceRisk;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.spark.feedback.FeedbackImportJob;
import io.shadow.spark.intel.ThreatIntelSyncJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the nightly pipeline needs.
 *
 * @param landingEvents directory the agents ship NDJSON files to
 * @param storeJdbcUrl the mitigation store, for the feedback import (null skips the import)
 * @param threatFeeds feed files (STIX bundles, plain or CSV lists) synced into {@code threat_indicators}
 * @param taxii the TAXII server to sync too, or null
 * @param maxTransferBytes the most {@code bytes_in} / {@code bytes_out} one event may report; ingest
 *     quarantines events above it (the scorer's {@code scorer.max-transfer-bytes}, so both judge alike)
 * @param defaultTenant the tenant of events that name none (the scorer's {@code scorer.default-tenant});
 *     null or blank: ingest quarantines them, as the scorer rejects them
 * @param intelMaxHeld how long a threat list refused (or read short) at every sync keeps what it listed
 *     active ({@code intel.max-held}; null: {@link ThreatIntelSyncJob#DEFAULT_MAX_HELD})
 * @param reviewWindow how long an unreviewed medium- or high-band incident is kept out of what the run
 *     learns ({@code mitigation.review-window}; null: {@link FeedbackImportJob#DEFAULT_REVIEW_WINDOW})
 * @param intelScope the network indicators the sync loads and the training set matches ({@code
 *     intel.min-prefix-ipv4/-ipv6}; null: {@link NetworkScope#DEFAULT})
 */
public record NightlyConfig(TableCatalog catalog, String landingEvents, String storeJdbcUrl, String storeUser,
        String storePassword, ModelRegistry registry, List<Path> threatFeeds, TaxiiSettings taxii,
        DetectorConfig detector, ResourceRisk resourceRisk, RiskModelTrainer.Settings training,
        long maxTransferBytes, String defaultTenant, Duration intelMaxHeld, Duration reviewWindow,
        NetworkScope intelScope) {

    public NightlyConfig {
        if (maxTransferBytes < 1) {
            throw new IllegalArgumentException("invalid max-transfer-bytes = " + maxTransferBytes
                    + "; expected a positive number of bytes (default " + TransferLimit.DEFAULT_MAX_BYTES + ")");
        }
        defaultTenant = defaultTenant == null || defaultTenant.isBlank() ? null : defaultTenant;
        intelMaxHeld = intelMaxHeld == null ? ThreatIntelSyncJob.DEFAULT_MAX_HELD : intelMaxHeld;
        reviewWindow = reviewWindow == null ? FeedbackImportJob.DEFAULT_REVIEW_WINDOW : reviewWindow;
        intelScope = intelScope == null ? NetworkScope.DEFAULT : intelScope;
    }

    /** With the default {@link NetworkScope#DEFAULT}. */
    public NightlyConfig(TableCatalog catalog, String landingEvents, String storeJdbcUrl, String storeUser,
            String storePassword, ModelRegistry registry, List<Path> threatFeeds, TaxiiSettings taxii,
            DetectorConfig detector, ResourceRisk resourceRisk, RiskModelTrainer.Settings training,
            long maxTransferBytes, String defaultTenant, Duration intelMaxHeld, Duration reviewWindow) {
        this(catalog, landingEvents, storeJdbcUrl, storeUser, storePassword, registry, threatFeeds, taxii, detector,
                resourceRisk, training, maxTransferBytes, defaultTenant, intelMaxHeld, reviewWindow, null);
    }

    /** Holding refused threat lists back for the default {@link ThreatIntelSyncJob#DEFAULT_MAX_HELD}. */
    public NightlyConfig(TableCatalog catalog, String landingEvents, String storeJdbcUrl, String storeUser,
            String storePassword, ModelRegistry registry, List<Path> threatFeeds, TaxiiSettings taxii,
            DetectorConfig detector, ResourceRisk resourceRisk, RiskModelTrainer.Settings training,
            long maxTransferBytes, String defaultTenant) {
        this(catalog, landingEvents, storeJdbcUrl, storeUser, storePassword, registry, threatFeeds, taxii, detector,
                resourceRisk, training, maxTransferBytes, defaultTenant, null, null, null);
    }

    /** Without a default tenant: events that name none are quarantined. */
    public NightlyConfig(TableCatalog catalog, String landingEvents, String storeJdbcUrl, String storeUser,
            String storePassword, ModelRegistry registry, List<Path> threatFeeds, TaxiiSettings taxii,
            DetectorConfig detector, ResourceRisk resourceRisk, RiskModelTrainer.Settings training,
            long maxTransferBytes) {
        this(catalog, landingEvents, storeJdbcUrl, storeUser, storePassword, registry, threatFeeds, taxii, detector,
                resourceRisk, training, maxTransferBytes, null);
    }

    /** With the default transfer limit ({@link TransferLimit#DEFAULT_MAX_BYTES}). */
    public NightlyConfig(TableCatalog catalog, String landingEvents, String storeJdbcUrl, String storeUser,
            String storePassword, ModelRegistry registry, List<Path> threatFeeds, TaxiiSettings taxii,
            DetectorConfig detector, ResourceRisk resourceRisk, RiskModelTrainer.Settings training) {
        this(catalog, landingEvents, storeJdbcUrl, storeUser, storePassword, registry, threatFeeds, taxii, detector,
                resourceRisk, training, TransferLimit.DEFAULT_MAX_BYTES);
    }

    /** Without a TAXII server, with the default transfer limit. */
    public NightlyConfig(TableCatalog catalog, String landingEvents, String storeJdbcUrl, String storeUser,
            String storePassword, ModelRegistry registry, List<Path> threatFeeds, DetectorConfig detector,
            ResourceRisk resourceRisk, RiskModelTrainer.Settings training) {
        this(catalog, landingEvents, storeJdbcUrl, storeUser, storePassword, registry, threatFeeds, null, detector,
                resourceRisk, training);
    }
}
