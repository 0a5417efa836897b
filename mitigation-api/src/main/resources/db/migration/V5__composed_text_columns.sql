-- Texts composed from an anomaly's fields (an action's target "principal …, host …, <type> …", a
-- notification's subject) can be as long as those fields together: principal and host 256 characters
-- each and a resource id 512, plus words. At 512 characters a long resource id failed the insert after
-- the actions were in force, leaving them unrecorded and impossible to undo from the API.
ALTER TABLE actions ALTER COLUMN target SET DATA TYPE VARCHAR(4096);
ALTER TABLE notifications ALTER COLUMN subject SET DATA TYPE VARCHAR(4096);
ALTER TABLE outbox ALTER COLUMN subject SET DATA TYPE VARCHAR(4096);
