-- Room streams (PROTOCOL 14). A room's row is its stream: its epoch, the last offset handed out and the
-- oldest still kept. Offsets come from this row, updated in the same transaction as the messages, so
-- they are never skipped or reused (a sequence would leave a gap at every rollback).
CREATE TABLE roomcast_room (
    room      integer PRIMARY KEY,
    epoch     text    NOT NULL,
    latest    bigint  NOT NULL,
    oldest    bigint  NOT NULL,
    bytes     bigint  NOT NULL
);

CREATE TABLE roomcast_message (
    room         integer NOT NULL,
    "offset"     bigint  NOT NULL,
    id           text    NOT NULL,
    sender       text    NOT NULL,
    text         text    NOT NULL,
    ref          text,
    published_at bigint  NOT NULL, -- milliseconds since the epoch, as the frames carry it
    bytes        integer NOT NULL,
    PRIMARY KEY (room, "offset")
);
-- Expiry by roomcast.history.ttl and the byte bound take the oldest first, without a scan.
CREATE INDEX roomcast_message_age ON roomcast_message (published_at);

-- Idempotency keys (PROTOCOL 9.3, 13.2): the first publish's placement, never its text.
CREATE TABLE roomcast_dedup (
    key        text        PRIMARY KEY,
    id         text,
    epoch      text,
    "offset"   bigint      NOT NULL DEFAULT 0,
    expires_at timestamptz NOT NULL
);
CREATE INDEX roomcast_dedup_expiry ON roomcast_dedup (expires_at);

-- Transactional publish (PROTOCOL 14): another application inserts here inside its own transaction;
-- Roomcast moves each committed row into its room's stream once. A trigger wakes the instances.
CREATE TABLE roomcast_outbox (
    id              bigserial   PRIMARY KEY,
    room            integer     NOT NULL,
    sender          text        NOT NULL,
    text            text        NOT NULL,
    idempotency_key text,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION roomcast_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('roomcast_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER roomcast_outbox_inserted AFTER INSERT ON roomcast_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION roomcast_outbox_notify();

-- Instances sharing the database (PROTOCOL 14): each renews its lease; one whose lease ran out is gone,
-- and its members leave the rooms it held.
CREATE TABLE roomcast_instance (
    instance    text        PRIMARY KEY,
    lease_until timestamptz NOT NULL,
    connections integer     NOT NULL DEFAULT 0
);

-- Guest numbers unique across the service (ClusterBus.uniqueNumber).
CREATE SEQUENCE roomcast_guest;
