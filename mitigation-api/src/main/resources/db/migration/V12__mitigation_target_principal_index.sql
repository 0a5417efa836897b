-- A user's incidents are those about their principal and those with a mitigation acting on their
-- account (an incident of a host gathers several principals' anomalies): looked up by target principal.
CREATE INDEX mitigations_target_principal ON mitigations (target_principal);
