package io.roomcast.protocol;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/** Writes server frames as JSON with JSON-B; nulls are written, never omitted (PROTOCOL 3.2). */
@ApplicationScoped
public class FrameEncoder {

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(true));

    public String encode(Record frame) {
        return jsonb.toJson(frame);
    }
}
