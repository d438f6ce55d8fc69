package io.roomcast.protocol;

import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;

/**
 * JSON-P readers and parsers from one provider, looked up once. The static {@code jakarta.json.Json}
 * methods look the provider up on every call, a ServiceLoader scan through the context class loader:
 * on Payara that walks every jar of the server, per JSON frame received.
 */
public final class CachedJson {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private CachedJson() {
    }

    public static JsonParser parser(String text) {
        return PROVIDER.createParser(new StringReader(text));
    }

    public static JsonReader reader(String text) {
        return PROVIDER.createReader(new StringReader(text));
    }
}
