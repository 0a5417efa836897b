-- When an agent fetched a command (the ack timeout counts from then), and when Shadow reported the command
-- as not confirmed by its agent: reported once, also across restarts and several Shadow processes.
ALTER TABLE agent_commands ADD COLUMN fetched_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE agent_commands ADD COLUMN reported_silent_at TIMESTAMP WITH TIME ZONE;
-- the watch looks up unconfirmed commands of every host by status and age
CREATE INDEX agent_commands_status ON agent_commands (status, issued_at);
