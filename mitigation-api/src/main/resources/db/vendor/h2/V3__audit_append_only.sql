-- The audit log is append-only: UPDATE and DELETE fail, whoever asks.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
    CALL 'io.shadow.mitigation.store.AppendOnlyTrigger';
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
    CALL 'io.shadow.mitigation.store.AppendOnlyTrigger';
