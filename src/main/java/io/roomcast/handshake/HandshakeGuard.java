package io.roomcast.handshake;

import io.roomcast.auth.BearerToken;
import io.roomcast.auth.InvalidTokenException;
import io.roomcast.auth.TokenVerifier;
import io.roomcast.auth.VerifiedToken;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Identity;
import io.roomcast.connection.Ids;
import io.roomcast.connection.QuotaOwner;
import io.roomcast.connection.RateBuckets;
import io.roomcast.protocol.ClientFrameDecoder;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ErrorTexts;
import io.roomcast.protocol.RoomId;
import io.roomcast.room.RoomRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Decides every WebSocket handshake (PROTOCOL 2), in this order: shutting down (503), the handshake
 * rate of the client address (429 {@code rate_limited}, PROTOCOL 13.5), path and query parameters
 * (400), origin (403), credentials (401), the token's rooms (403), the token's clients on
 * {@code /ws/secure} (403, PROTOCOL 11), the room cap for a chat room that does not exist yet and the
 * user's room quota (429 {@code too_many_rooms}, PROTOCOL 12 and 13.6), connection limits (429). The
 * handshake rate comes first so that every attempt counts, refused ones included, before any work
 * (a token's signature) is spent on it. The origin is judged before the credentials so that a foreign
 * page learns nothing about a token it replays. The room checks come before the connection limits
 * because those reserve a slot, which a refusal would have to give back.
 */
@ApplicationScoped
public class HandshakeGuard {

    private static final int MIN_TOKEN_PARAMETER = 8;
    private static final long SECOND = 1_000_000_000L;

    private final RoomcastSettings settings;
    private final TokenVerifier verifier;
    private final ConnectionRegistry connections;
    private final Ids ids;
    private final RoomRegistry registry;
    private final OriginPolicy origins;
    private final ClientAddressResolver addresses;
    /** Handshakes per client address (PROTOCOL 13.5), bounded as {@link RateBuckets} says. */
    private final RateBuckets<String> handshakeRates;

    @Inject
    public HandshakeGuard(RoomcastSettings settings, TokenVerifier verifier, ConnectionRegistry connections, Ids ids,
                          RoomRegistry registry) {
        this.settings = settings;
        this.verifier = verifier;
        this.connections = connections;
        this.ids = ids;
        this.registry = registry;
        this.origins = new OriginPolicy(settings.allowedOrigins());
        this.addresses = new ClientAddressResolver(settings.trustedProxies(), settings.proxyHeader());
        this.handshakeRates = new RateBuckets<>(settings.handshakeRatePerSecond(), settings.handshakeBurst(),
                System.nanoTime());
    }

    /** For the CDI client proxy only: it delegates every call, so it needs none of the state. */
    protected HandshakeGuard() {
        this.settings = null;
        this.verifier = null;
        this.connections = null;
        this.ids = null;
        this.registry = null;
        this.origins = null;
        this.addresses = null;
        this.handshakeRates = null;
    }

    public HandshakeDecision decide(HandshakeRequest request) {
        Route.Match match = Route.match(request.path());
        if (match == null) {
            return new HandshakeDecision.NotOurs();
        }
        if (!connections.accepting()) {
            // A client told to come back at once must not land on a server about to vanish: in a second,
            // a restart or another instance will take it.
            return new HandshakeDecision.Refused(503, ErrorCode.SHUTTING_DOWN, ErrorTexts.SHUTTING_DOWN, 1L);
        }
        // Every attempt counts, whatever becomes of it: a flood of bad requests is held back too.
        String address = addresses.resolve(request.peerAddress(), request::headerValues);
        long wait = handshakeRates.take(address, System.nanoTime());
        if (wait > 0) {
            return new HandshakeDecision.Refused(429, ErrorCode.RATE_LIMITED,
                    "too many handshakes from this address: retry after the time given", (wait + SECOND - 1) / SECOND);
        }
        Route route = match.route();
        Integer pathId = null;
        if (match.parameter() != null) {
            int id = ClientFrameDecoder.parseId(match.parameter());
            if (id < 0) {
                return refuse(400, ErrorCode.INVALID_PARAMETER, ErrorTexts.idOutOfRange(route == Route.CHAT ? "room" : "client"));
            }
            pathId = id;
        }
        String tokenParameter = route == Route.SECURE ? request.parameter().apply("token") : null;
        if (tokenParameter != null && tokenParameter.length() < MIN_TOKEN_PARAMETER) {
            return refuse(400, ErrorCode.INVALID_PARAMETER, "token must be at least 8 characters");
        }
        // Behind a TLS-terminating proxy the request reaches us in plain HTTP: the proxy says what the page used.
        boolean secure = addresses.forwardedSecure(request.peerAddress(), request::headerValues).orElse(request.secure());
        if (!origins.allows(request.header("Origin"), request.header("Host"), secure)) {
            return refuse(403, ErrorCode.FORBIDDEN_ORIGIN, "origin not allowed");
        }

        VerifiedToken token = null;
        String credential = credential(request, tokenParameter);
        if (credential == null) {
            if (route.credentialsRequired() || !settings.anonymousAllowed()) {
                return refuse(401, ErrorCode.MISSING_CREDENTIALS, "credentials required");
            }
        } else {
            try {
                token = verifier.verify(credential);
            } catch (InvalidTokenException e) {
                return refuse(401, ErrorCode.INVALID_CREDENTIALS, ErrorTexts.INVALID_CREDENTIALS);
            }
        }
        if (route == Route.CHAT && token != null && !token.mayEnter(pathId)) {
            return refuse(403, ErrorCode.FORBIDDEN_ROOM, ErrorTexts.forbiddenRoom(pathId));
        }
        if (route == Route.SECURE && !token.mayBind(pathId)) {
            // Without this, any valid token could bind any client id and read its direct messages.
            return refuse(403, ErrorCode.FORBIDDEN_CLIENT, ErrorTexts.forbiddenClient(pathId));
        }
        // Hints only: the join on open decides (ChatEndpoint), since the last slot may go meanwhile.
        if (route == Route.CHAT && !registry.hasRoomFor(pathId, settings.roomsTotal())) {
            return refuse(429, ErrorCode.TOO_MANY_ROOMS, ErrorTexts.NO_ROOM_CAPACITY);
        }
        if (route == Route.CHAT && !registry.withinQuota(token != null ? QuotaOwner.user(token.user())
                : QuotaOwner.address(address), pathId, settings.roomsPerUser())) {
            return refuse(429, ErrorCode.TOO_MANY_ROOMS, ErrorTexts.roomsPerUser(settings.roomsPerUser()));
        }

        Identity identity = token != null
                ? new Identity(token.user(), true, address, route == Route.SECURE ? pathId : null, token.rooms(),
                        token.expiresAt())
                : new Identity(ids.guestName(), false, address, null, null, null);
        String reservation = ids.reservationId();
        if (!connections.reserve(reservation, address, token != null ? token.user() : null,
                settings.connectionsPerAddress(), settings.connectionsPerUser(), System.nanoTime())) {
            return refuse(429, ErrorCode.TOO_MANY_CONNECTIONS, "too many connections from this address or user");
        }
        identity = identity.withReservation(reservation);
        if (route == Route.CHAT) {
            identity = identity.inRoom(new RoomId(pathId)); // the endpoint never parses the path again
        }
        return new HandshakeDecision.Accepted(identity);
    }

    /**
     * The credential to judge: the first source present wins, so an invalid header is refused even
     * when a valid {@code access_token} is also given.
     */
    private static String credential(HandshakeRequest request, String tokenParameter) {
        String bearer = BearerToken.from(request.header("Authorization"));
        if (bearer != null) {
            return bearer;
        }
        String accessToken = request.parameter().apply("access_token");
        if (accessToken != null) {
            return accessToken;
        }
        return tokenParameter;
    }

    private static HandshakeDecision refuse(int status, ErrorCode code, String message) {
        return new HandshakeDecision.Refused(status, code, message);
    }
}
