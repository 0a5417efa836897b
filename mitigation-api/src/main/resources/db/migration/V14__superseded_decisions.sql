-- A decision a reviewer took the place of (a person's own approve or reject of their own activity). The
-- feedback table keeps one label per mitigation, the review's; this keeps what the person decided, so the
-- incident's decisions and the history still show it (marked superseded, by whom and when).
CREATE TABLE superseded_decisions (
    feedback_id    VARCHAR(64)  PRIMARY KEY,
    mitigation_id  VARCHAR(64)  NOT NULL REFERENCES mitigations (mitigation_id),
    incident_id    VARCHAR(64)  NOT NULL REFERENCES incidents (incident_id),
    decision       VARCHAR(16)  NOT NULL,
    comment        VARCHAR,
    decided_by     VARCHAR(256) NOT NULL,
    decided_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    superseded_by  VARCHAR(256) NOT NULL,
    superseded_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX superseded_decisions_incident ON superseded_decisions (incident_id);
