-- Several Shadow processes on one store: each asks, every mitigation.store-sync, which actions left
-- force since it last looked (undone, expired or kept by another process) to drop their gateway rules.
CREATE INDEX actions_undone ON actions (undone_at);
