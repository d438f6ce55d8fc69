package io.roomcast.platform;

import jakarta.websocket.Session;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How frames reach the peers, chosen once per deployment ({@link DeploymentSendPath}): through
 * the server's own API (Tyrus {@link TyrusWrites}, Undertow {@link UndertowWrites}), each room message
 * encoded once and the same bytes written to every member, several queued frames in one write; or,
 * where that does not apply (another server, a server whose classes differ from what the probe expects:
 * logged once), the standard {@code RemoteEndpoint.Async}. Each session is then given a
 * {@link FrameWriter} when it opens, or null for the standard path (the session cannot take it, e.g. a
 * Tyrus session with permessage-deflate; or something failed for it: logged once per deployment).
 */
public final class SendPath {

    private static final Logger LOG = System.getLogger(SendPath.class.getName());

    /** The standard {@code RemoteEndpoint.Async}, for every session. */
    public static final SendPath STANDARD = new SendPath(null, "standard RemoteEndpoint.Async", false);

    /** What a server's own send path provides. */
    interface Writers {
        String describe();

        /** A writer for the session, or null when the session must use the standard path. */
        FrameWriter forSession(Session session) throws Throwable;
    }

    private final Writers writers;
    private final String description;
    private final boolean probeFailed;
    private final AtomicBoolean sessionFailureLogged = new AtomicBoolean();

    private SendPath(Writers writers, String description, boolean probeFailed) {
        this.writers = writers;
        this.description = description;
        this.probeFailed = probeFailed;
    }

    /**
     * Finds the send path of the server whose WebSocket container this is. Never throws: anything that
     * does not fit gives {@link #STANDARD}, with the reason in its description.
     *
     * @param serverContainer the {@code jakarta.websocket.server.ServerContainer} servlet context attribute
     */
    public static SendPath probe(Object serverContainer) {
        if (serverContainer == null) {
            return STANDARD;
        }
        ServerKind kind = ServerKind.of(serverContainer);
        return probe(kind, serverContainer.getClass().getClassLoader());
    }

    static SendPath probe(ServerKind kind, ClassLoader loader) {
        try {
            Writers writers = switch (kind) {
                case TYRUS -> TyrusWrites.probe(loader);
                case UNDERTOW -> UndertowWrites.probe(loader);
                case OTHER -> null;
            };
            return writers == null ? STANDARD : new SendPath(writers, writers.describe(), false);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return new SendPath(null, STANDARD.description + " (this " + kind + " does not offer what the encode-once"
                    + " path needs: " + e + ")", true);
        }
    }

    /** Whether sessions can be given a server's own writer. */
    public boolean direct() {
        return writers != null;
    }

    /** Whether the server is one with its own path, but the probe did not find what that path needs. */
    public boolean probeFailed() {
        return probeFailed;
    }

    public String describe() {
        return description;
    }

    /** The session's writer, made once when it opens; null: use the standard {@code RemoteEndpoint.Async}. */
    public FrameWriter writerFor(Session session) {
        if (writers == null) {
            return null;
        }
        try {
            return writers.forSession(session);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (sessionFailureLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "a session could not be given the server's own send path and uses the standard"
                        + " RemoteEndpoint.Async (logged once): " + e);
            }
            return null;
        }
    }
}
