-- Tracing (docs/DEPLOYMENT.md, "Tracing"): the W3C traceparent of a message's publish span, so that the
-- instances that catch a room up from here deliver it as a child of that span. Null when untraced (tracing
-- off, the default): an instance of an earlier release inserts and reads its rows as before.
ALTER TABLE roomcast_message ADD COLUMN trace text;
