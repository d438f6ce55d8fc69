package io.roomcast.session;

import io.roomcast.auth.InvalidTokenException;
import io.roomcast.auth.TokenVerifier;
import io.roomcast.auth.VerifiedToken;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.Identity;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.ClientFrame;
import io.roomcast.protocol.ClientFrameDecoder;
import io.roomcast.protocol.Decoded;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ErrorTexts;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.room.RoomCommand;
import io.roomcast.room.RoomResult;
import io.roomcast.room.Rooms;
import io.roomcast.stream.StreamPosition;
import io.roomcast.stream.StreamUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The JSON protocol of {@code /ws/realtime}, {@code /ws/auth} and {@code /ws/secure/{clientId}}
 * (PROTOCOL 3.2). Every problem with a frame becomes an error frame; none closes the connection.
 */
@ApplicationScoped
public class JsonProtocol {

    private static final Logger LOG = System.getLogger(JsonProtocol.class.getName());

    private final ClientFrameDecoder decoder = new ClientFrameDecoder();

    private final RoomcastSettings settings;
    private final ConnectionLifecycle lifecycle;
    private final Rooms rooms;
    private final FrameEncoder encoder;
    private final TokenVerifier verifier;
    private final TokenExpiry expiry;
    private final RoomcastMetrics metrics;

    @Inject
    public JsonProtocol(RoomcastSettings settings, ConnectionLifecycle lifecycle, Rooms rooms, FrameEncoder encoder,
                        TokenVerifier verifier, TokenExpiry expiry, RoomcastMetrics metrics) {
        this.settings = settings;
        this.lifecycle = lifecycle;
        this.rooms = rooms;
        this.encoder = encoder;
        this.verifier = verifier;
        this.expiry = expiry;
        this.metrics = metrics;
    }

    /** For the CDI client proxy only. */
    protected JsonProtocol() {
        this(null, null, null, null, null, null, null);
    }

    public void welcome(Connection connection) {
        reply(connection, new ServerFrames.Welcome(connection.id(), connection.user(),
                connection.identity().clientId(), connection.identity().address(),
                settings.heartbeatInterval().toSeconds(), System.currentTimeMillis(), connection.identity().expiresAt()));
    }

    /**
     * Handles one text frame. The rate is checked before the frame is parsed, so a dropped frame costs
     * no parsing; its {@code ref} is therefore unknown and the {@code rate_limited} error carries null.
     */
    public void onText(Connection connection, String text) {
        long received = System.nanoTime();
        if (!admitted(connection)) {
            return;
        }
        Decoded decoded = decoder.decode(text);
        if (decoded instanceof Decoded.Invalid invalid) {
            error(connection, invalid.code(), invalid.message(), invalid.ref());
            return;
        }
        ClientFrame frame = ((Decoded.Valid) decoded).frame();
        if (frame instanceof ClientFrame.Join join) {
            join(connection, join);
        } else if (frame instanceof ClientFrame.History history) {
            history(connection, history);
        } else if (frame instanceof ClientFrame.Leave leave) {
            if (rooms.leave(new RoomCommand.Leave(connection, leave.room())).wasMember()) {
                reply(connection, new ServerFrames.Left(leave.room()));
            } else {
                error(connection, ErrorCode.NOT_MEMBER, "not a member of room " + leave.room(), leave.ref());
            }
        } else if (frame instanceof ClientFrame.Send send) {
            if (rooms.isMember(connection, send.room())) {
                publish(connection, send, received);
            } else {
                error(connection, ErrorCode.NOT_MEMBER, "join room " + send.room() + " before sending to it", send.ref());
            }
        } else if (frame instanceof ClientFrame.Direct message) {
            if (!rooms.direct(new RoomCommand.Direct(connection.user(), message.to(), message.text())).connected()) {
                error(connection, ErrorCode.NOT_FOUND, "client " + message.to() + " is not connected", message.ref());
            }
        } else if (frame instanceof ClientFrame.Refresh refresh) {
            refresh(connection, refresh);
        } else {
            reply(connection, new ServerFrames.Pong(System.currentTimeMillis()));
        }
    }

    /** Binary frames have no meaning in the JSON protocol. */
    public void onBinary(Connection connection) {
        if (admitted(connection)) {
            error(connection, ErrorCode.INVALID_MESSAGE, "binary frames are not supported on this endpoint", null);
        }
    }

    /** {@code /ws/status} only answers pings; anything else is an {@code invalid_message}. */
    public void onStatusText(Connection connection, String text) {
        if (!admitted(connection)) {
            return;
        }
        Decoded decoded = decoder.decode(text);
        if (decoded instanceof Decoded.Valid valid && valid.frame() instanceof ClientFrame.Ping) {
            reply(connection, new ServerFrames.Pong(System.currentTimeMillis()));
        } else if (decoded instanceof Decoded.Invalid invalid) {
            error(connection, invalid.code(), invalid.message(), invalid.ref());
        } else {
            error(connection, ErrorCode.INVALID_MESSAGE, "the status stream only answers 'ping'",
                    ((Decoded.Valid) decoded).frame().ref());
        }
    }

    private void join(Connection connection, ClientFrame.Join join) {
        if (!connection.identity().mayEnter(join.room())) {
            error(connection, ErrorCode.FORBIDDEN_ROOM, ErrorTexts.forbiddenRoom(join.room()), join.ref());
            return;
        }
        RoomResult.JoinOutcome outcome;
        try {
            outcome = rooms.join(new RoomCommand.Join(connection, join.room(), position(join.since())));
        } catch (StreamUnavailableException e) {
            error(connection, ErrorCode.UNAVAILABLE, e.getMessage(), join.ref()); // not joined: try again
            return;
        }
        if (!(outcome instanceof RoomResult.Refused refused)) {
            return; // answered in the room's turn, with any missed messages
        }
        switch (refused.refusal()) {
            case ROOMS_PER_CONNECTION -> error(connection, ErrorCode.TOO_MANY_ROOMS,
                    "a connection may be in at most " + settings.roomsPerConnection() + " rooms", join.ref());
            case ROOMS -> error(connection, ErrorCode.TOO_MANY_ROOMS, ErrorTexts.NO_ROOM_CAPACITY, join.ref());
            case ROOMS_PER_USER -> error(connection, ErrorCode.TOO_MANY_ROOMS,
                    ErrorTexts.roomsPerUser(settings.roomsPerUser()), join.ref());
            case ENDED -> { } // the connection is gone: nobody to answer
        }
    }

    /** A message with a {@code ref} is acknowledged, and may be idempotent ({@link RoomCommand.Publish#frame}). */
    private void publish(Connection connection, ClientFrame.Send send, long received) {
        // Without waiting: a durable store answers after its commit, and this may be the server's I/O thread.
        rooms.publishAsync(RoomCommand.Publish.frame(connection, send.room(), send.text(), send.ref(),
                        send.traceparent()))
                .whenComplete((published, failure) -> {
                    Throwable cause = Failures.cause(failure);
                    if (published != null && send.ref() != null) {
                        metrics.publishAcked(System.nanoTime() - received); // its ack is queued by now
                    }
                    if (cause instanceof StreamUnavailableException e) {
                        // Nothing was acknowledged or delivered: the client may send it again (with the same ref).
                        error(connection, ErrorCode.UNAVAILABLE, e.getMessage(), send.ref());
                    } else if (cause != null) {
                        LOG.log(Level.WARNING, "a publish of connection " + connection.id() + " failed", cause);
                        connection.close(CloseReasons.SERVER_ERROR); // as an exception in onMessage would
                    }
                });
    }

    /**
     * History is for members (PROTOCOL 13.4): a token that excludes the room is {@code forbidden_room}
     * (it could not join), any other connection that has not joined it {@code not_member}. The answer
     * is bounded in bytes (13.1).
     */
    private void history(Connection connection, ClientFrame.History history) {
        if (!connection.identity().mayEnter(history.room())) {
            error(connection, ErrorCode.FORBIDDEN_ROOM, ErrorTexts.forbiddenRoom(history.room()), history.ref());
            return;
        }
        if (!rooms.isMember(connection, history.room())) {
            error(connection, ErrorCode.NOT_MEMBER, "join room " + history.room() + " before reading its history",
                    history.ref());
            return;
        }
        try {
            connection.sendText(rooms.history(new RoomCommand.History(history.room(), position(history.since()),
                    history.limit(), history.ref())).json());
        } catch (StreamUnavailableException e) {
            error(connection, ErrorCode.UNAVAILABLE, e.getMessage(), history.ref());
        }
    }

    private static StreamPosition position(ClientFrame.Since since) {
        return since == null ? null : new StreamPosition(since.epoch(), since.offset());
    }

    /**
     * Counts the frame against the connection's rate; a dropped frame is answered with
     * {@code rate_limited} at most once per second (PROTOCOL 12), with a null ref since it is not parsed.
     */
    private boolean admitted(Connection connection) {
        if (lifecycle.admit(connection)) {
            return true;
        }
        if (connection.rate().refusalNoticeDue(System.nanoTime())) {
            error(connection, ErrorCode.RATE_LIMITED, "too many frames: dropped (told at most once per second)", null);
        }
        return false;
    }

    /**
     * A new token for the connection (PROTOCOL 10), judged like a handshake token and for the same
     * {@code sub}. Accepted, the connection's rights follow it: its expiry is moved, and the rooms it no
     * longer allows are left, after the {@code refreshed} reply. Refused, nothing changes and the old
     * token still ends the connection at its expiry.
     */
    private void refresh(Connection connection, ClientFrame.Refresh refresh) {
        Identity current = connection.identity();
        if (!current.authenticated()) {
            error(connection, ErrorCode.INVALID_MESSAGE, "a guest connection has no token to refresh", refresh.ref());
            return;
        }
        VerifiedToken token;
        try {
            token = verifier.verify(refresh.token());
        } catch (InvalidTokenException e) {
            error(connection, ErrorCode.INVALID_CREDENTIALS, ErrorTexts.INVALID_CREDENTIALS, refresh.ref());
            return;
        }
        if (!token.user().equals(current.user())) {
            error(connection, ErrorCode.INVALID_CREDENTIALS, "the token must name the connection's user", refresh.ref());
            return;
        }
        if (current.clientId() != null && !token.mayBind(current.clientId())) {
            error(connection, ErrorCode.FORBIDDEN_CLIENT,
                    ErrorTexts.forbiddenClient(current.clientId()), refresh.ref());
            return;
        }
        Identity renewed = connection.refreshToken(token.rooms(), token.expiresAt());
        expiry.refreshed(connection);
        reply(connection, new ServerFrames.Refreshed(token.expiresAt(), refresh.ref()));
        for (Integer room : List.copyOf(connection.rooms())) {
            if (!renewed.mayEnter(room) && rooms.leave(new RoomCommand.Leave(connection, room)).wasMember()) {
                reply(connection, ServerFrames.Left.forbidden(room));
            }
        }
    }

    private void reply(Connection connection, Record frame) {
        connection.sendText(encoder.encode(frame));
    }

    private void error(Connection connection, ErrorCode code, String message, String ref) {
        reply(connection, new ServerFrames.Error(code, message, ref));
    }
}
