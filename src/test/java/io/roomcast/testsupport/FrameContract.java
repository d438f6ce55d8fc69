package io.roomcast.testsupport;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The contract every JSON frame the server sends must meet: the {@code ServerFrame} schema of
 * docs/asyncapi.yaml, read from the document itself, so the contract and the server cannot drift
 * apart. {@link WsClient} checks every frame it receives on a JSON endpoint against it.
 */
public final class FrameContract {

    static final Path DOCUMENT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")),
            "docs", "asyncapi.yaml");

    private static final class Holder {
        static final FrameContract SERVER_FRAMES = load(DOCUMENT, "ServerFrame");
    }

    private static final class HttpHolder {
        static final FrameContract HTTP_ERRORS = load(DOCUMENT, "HttpError");
    }

    private final Schema schema;

    private FrameContract(Schema schema) {
        this.schema = schema;
    }

    /** Every JSON frame a server may send, from docs/asyncapi.yaml. */
    public static FrameContract serverFrames() {
        return Holder.SERVER_FRAMES;
    }

    /**
     * The body of every HTTP error the server answers (a refused handshake, the HTTP API, a CORS
     * preflight): the {@code HttpError} schema of docs/asyncapi.yaml.
     */
    public static FrameContract httpErrors() {
        return HttpHolder.HTTP_ERRORS;
    }

    /** The values of an enum schema of the document, e.g. {@code HttpErrorCode}: the codes it allows. */
    public static java.util.Set<String> enumValues(String schemaName) {
        JsonNode values = readDocument(DOCUMENT).path("components").path("schemas").path(schemaName).path("enum");
        if (!values.isArray() || values.isEmpty()) {
            throw new IllegalArgumentException(DOCUMENT + " has no enum components.schemas." + schemaName);
        }
        java.util.Set<String> codes = new java.util.TreeSet<>();
        values.forEach(v -> codes.add(v.asString()));
        return codes;
    }

    private static JsonNode readDocument(Path asyncApi) {
        try {
            return new YAMLMapper().readTree(Files.readString(asyncApi));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One of the document's {@code components.schemas}, its references resolved within the document. */
    public static FrameContract load(Path asyncApi, String schemaName) {
        JsonNode document = readDocument(asyncApi);
        if (document.path("components").path("schemas").path(schemaName).isMissingNode()) {
            throw new IllegalArgumentException(asyncApi + " has no components.schemas." + schemaName);
        }
        // The schema is the document's components under a root that refers to the one wanted: every
        // "#/components/schemas/..." reference then resolves inside the AsyncAPI document itself.
        ObjectNode root = ((ObjectNode) document).objectNode();
        root.put("$ref", "#/components/schemas/" + schemaName);
        root.set("components", document.get("components"));
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
        return new FrameContract(registry.getSchema(SchemaLocation.of("urn:roomcast:asyncapi"), root));
    }

    /**
     * Fails when an HTTP error answer that carries the error body ({@code "error"} in a JSON object)
     * breaks the {@code HttpError} schema, e.g. an undocumented code. The tests' HTTP helpers
     * ({@link Server}, {@link RawWebSocket#handshake}) call it on every answer, so every error any
     * integration test provokes is held to docs/asyncapi.yaml; bodies of another shape (readiness,
     * a container's own page) are left to the tests that read them.
     */
    public static void requireDocumentedError(int status, String body, String request) {
        if (status < 400 || body == null || !body.stripLeading().startsWith("{") || !body.contains("\"error\"")) {
            return;
        }
        List<String> violations = httpErrors().violations(body);
        if (!violations.isEmpty()) {
            throw new AssertionError(request + " answered " + status + " " + body
                    + ", which breaks docs/asyncapi.yaml's HttpError: " + violations);
        }
    }

    /** A JSON schema given as a tree (e.g. a schema of the served OpenAPI document), self-contained. */
    public static FrameContract of(JsonNode schema) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
        return new FrameContract(registry.getSchema(SchemaLocation.of("urn:roomcast:schema"), schema));
    }

    /** What is wrong with a frame, one line per violation; empty when it meets the contract. */
    public List<String> violations(String frame) {
        List<Error> errors;
        try {
            errors = schema.validate(frame, InputFormat.JSON);
        } catch (RuntimeException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        return errors.stream().map(Error::toString).toList();
    }
}
