-- What a mitigation's actions were aimed at: the anomaly's principal, host and resource, which an
-- incident does not keep (it records its first anomaly's resource, and later anomalies of the same
-- entity may be on other resources). A restart, another process's sync and a modify act on these.
-- Null for mitigations recorded before: those fall back to the incident's.
ALTER TABLE mitigations ADD COLUMN target_principal VARCHAR(256);
ALTER TABLE mitigations ADD COLUMN target_host VARCHAR(256);
ALTER TABLE mitigations ADD COLUMN target_resource_type VARCHAR(32);
ALTER TABLE mitigations ADD COLUMN target_resource_id VARCHAR(512);
CREATE INDEX mitigations_target_resource ON mitigations (target_resource_id);
