-- The bus between instances on one database (PROTOCOL 14, cluster.PostgresBus): an event too large for a
-- NOTIFY payload (under 8,000 bytes) waits here, and the NOTIFY carries only its id. The bus's upkeep
-- deletes rows older than a minute: every listener has read them long before.
CREATE TABLE roomcast_bus_event (
    id         bigserial   PRIMARY KEY,
    origin     text        NOT NULL,
    payload    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX roomcast_bus_event_age ON roomcast_bus_event (created_at);

-- Guest numbers are taken in blocks of 64 (one nextval per 64 guests, fetched ahead of need), so a
-- handshake never waits for the database. They start above any instance's own counter, which names
-- guests only while no block is at hand (the database down), so the two never give the same name.
ALTER SEQUENCE roomcast_guest INCREMENT BY 64 MINVALUE 1000000000 START WITH 1000000000 RESTART WITH 1000000000;
