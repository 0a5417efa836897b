-- The anomalies recorded on incidents, by id (derived from the event id and the entity): a batch the
-- scorer scores again (re-sent after a crash between its checkpoints) raises the same anomaly ids,
-- which are then not counted on their incident a second time. Rows of anomalies recorded before have
-- none here.
CREATE TABLE incident_anomalies (
    anomaly_id  VARCHAR(128) NOT NULL PRIMARY KEY,
    incident_id VARCHAR(64)  NOT NULL
);
CREATE INDEX incident_anomalies_incident ON incident_anomalies (incident_id);
