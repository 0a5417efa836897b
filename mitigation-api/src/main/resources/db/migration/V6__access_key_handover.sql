-- Access keys: when a key's secret was handed over (the answer of POST /v1/keys, or GET /v1/keys/{id}
-- after a rotation) and why a key stopped being usable. Secrets not yet handed over live in the memory
-- of the process that made them; with these columns a key whose secret a restart lost is told apart
-- from one already collected, and a standby key prepared before a restart is discarded (status
-- 'discarded', with its reason) instead of being activated without anyone holding its secret.
-- Keys from before this migration have no collected_at: whether their secret was collected is not known.
ALTER TABLE access_keys ADD COLUMN collected_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE access_keys ADD COLUMN status_reason VARCHAR(512);
-- every gateway decision with an X-Shadow-Key looks its hash up
CREATE INDEX access_keys_secret ON access_keys (secret_sha256);
