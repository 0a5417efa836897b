-- A decision by the person whose own activity the incident is about. Recorded and shown in history,
-- but not a security review: the nightly run does not learn "benign" from such a rejection.
ALTER TABLE feedback ADD COLUMN own_activity BOOLEAN DEFAULT FALSE NOT NULL;
