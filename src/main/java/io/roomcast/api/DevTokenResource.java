package io.roomcast.api;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Ids;
import io.roomcast.auth.DevTokenIssuer;
import io.roomcast.protocol.CachedJson;
import io.roomcast.protocol.ClientFrameDecoder;
import io.roomcast.protocol.ErrorCode;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /api/dev/tokens} with {@code {"user":"alice","rooms":[7],"clients":[42],"admin":true}}
 * ({@code rooms}, {@code clients} and {@code admin} optional; {@code admin} adds the admin claim): a token signed with the dev key, in dev mode only. With dev mode off the
 * path does not exist (404).
 */
@Path("/dev/tokens")
@RequestScoped
public class DevTokenResource {

    /** A token request is a user name and a few ids: 4 KB is plenty, and bounds what a client makes us buffer. */
    static final int MAX_BODY_BYTES = 4096;
    private static final String DEV_MODE_OFF = "dev tokens exist only with roomcast.dev-mode=true";
    private static final Pattern USER = Pattern.compile("[\\p{L}\\p{N}._@-]{1,64}");

    @JsonbPropertyOrder({"token", "user", "expiresAt"})
    public record TokenBody(String token, String user, long expiresAt) {
    }

    /** A request that passed validation. */
    private record TokenRequest(String user, List<Integer> rooms, List<Integer> clients, boolean admin) {
    }

    @Inject
    RoomcastSettings settings;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    ApiResponses responses;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "dev")
    @Operation(summary = "A token for trying Roomcast out (dev mode only)",
            description = "Body {\"user\":\"alice\",\"rooms\":[7],\"clients\":[42],\"admin\":true}, rooms, clients "
                    + "and admin optional; admin true adds the claim roomcast_admin (the admin page).")
    @APIResponse(responseCode = "200", description = "a signed token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.TOKEN)))
    @APIResponse(responseCode = "400", description = "invalid body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "404", description = "dev mode is off",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "413", description = "body over 4 KB",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    public Response issue(@HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream stream)
            throws IOException {
        if (!settings.devMode()) {
            return responses.error(404, "not_found", DEV_MODE_OFF);
        }
        BoundedBody.Result read = BoundedBody.read(contentLength, stream, MAX_BODY_BYTES);
        if (read instanceof BoundedBody.TooLarge) {
            return responses.tooLarge("the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        String body = read instanceof BoundedBody.Text t ? t.text() : null;
        Optional<TokenRequest> request = parse(body);
        if (request.isEmpty()) {
            return responses.error(400, ErrorCode.INVALID_PARAMETER,
                    "body must be {\"user\":\"<1-64 letters, digits, . _ @ -, not guest-...>\","
                            + "\"rooms\":[<room ids>] (optional),\"clients\":[<client ids>] (optional),"
                            + "\"admin\":true|false (optional)}");
        }
        Instant now = Instant.now();
        Optional<String> token = issuer.issue(request.get().user(), request.get().rooms(), request.get().clients(),
                request.get().admin(), now);
        if (token.isEmpty()) {
            return responses.error(404, "not_found", DEV_MODE_OFF);
        }
        return responses.json(200, new TokenBody(token.get(), request.get().user(),
                now.plus(DevTokenIssuer.LIFETIME).toEpochMilli()));
    }

    private static Optional<TokenRequest> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = CachedJson.reader(body)) {
            if (!(reader.readValue() instanceof JsonObject object)
                    || !(object.get("user") instanceof JsonString user)
                    || !USER.matcher(user.getString()).matches()
                    || Ids.isGuestName(user.getString())) { // no token may name a guest: it would be refused
                return Optional.empty();
            }
            return Optional.of(new TokenRequest(user.getString(), ids(object.get("rooms")), ids(object.get("clients")),
                    flag(object.get("admin"))));
        } catch (JsonException | IllegalStateException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * An optional boolean ({@code admin}); false when absent or null.
     *
     * @throws IllegalArgumentException when present but not a boolean
     */
    private static boolean flag(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL
                || value.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        throw new IllegalArgumentException("not a boolean");
    }

    /**
     * An optional array of ids in 1..2147483647 ({@code rooms}, {@code clients}); null when absent or null.
     *
     * @throws IllegalArgumentException when present but not such an array
     */
    private static List<Integer> ids(JsonValue value) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw new IllegalArgumentException("not an array");
        }
        List<Integer> ids = new ArrayList<>();
        for (JsonValue item : array) {
            int id = item instanceof JsonNumber n ? ClientFrameDecoder.parseId(n.toString()) : -1;
            if (id < 0) {
                throw new IllegalArgumentException("not an id");
            }
            ids.add(id);
        }
        return ids;
    }
}
