-- Issue 7: agent commands that survive restarts, idempotency keys, profile versions, the outbox of
-- webhooks and e-mails, data keys for encryption, pinned table versions (warm standby).
CREATE TABLE agent_commands (
    command_id     VARCHAR(64)  PRIMARY KEY,
    tenant         VARCHAR(128) NOT NULL,
    host           VARCHAR(256) NOT NULL,
    action         VARCHAR(32)  NOT NULL,
    params         VARCHAR      NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    issued_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    acked_at       TIMESTAMP WITH TIME ZONE,
    result         VARCHAR
);
CREATE INDEX agent_commands_host ON agent_commands (tenant, host, status);

CREATE TABLE idempotency_keys (
    caller         VARCHAR(256) NOT NULL,
    idem_key       VARCHAR(256) NOT NULL,
    request_sha256 VARCHAR(64)  NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    status_code    INTEGER,
    response       VARCHAR,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (caller, idem_key)
);

CREATE TABLE profile_versions (
    version        INTEGER      PRIMARY KEY,
    author         VARCHAR(256) NOT NULL,
    uploaded_by    VARCHAR(256) NOT NULL,
    uploaded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    yaml           VARCHAR      NOT NULL
);

CREATE TABLE outbox (
    delivery_id    VARCHAR(64)  PRIMARY KEY,
    channel        VARCHAR(16)  NOT NULL,
    destination    VARCHAR(512) NOT NULL,
    event          VARCHAR(64)  NOT NULL,
    subject        VARCHAR(512),
    body           VARCHAR      NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    attempts       INTEGER      NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error     VARCHAR,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE data_keys (
    key_id         VARCHAR(64)  PRIMARY KEY,
    location       VARCHAR(1024) NOT NULL,
    wrapped_key    VARCHAR(256) NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX data_keys_location ON data_keys (location, status);

CREATE TABLE table_pins (
    table_uri      VARCHAR(1024) PRIMARY KEY,
    version        BIGINT       NOT NULL,
    pinned_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
