package io.roomcast.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.Session;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The deployment's {@link SendPath}, probed once, from the WebSocket container of the first session
 * that opens, and logged. The container is taken from the session rather than from the servlet
 * context because sessions open on the servers' I/O threads, where no servlet context is bound (WildFly
 * cannot inject one there), and because the probe must look at the container that actually serves them.
 */
@ApplicationScoped
public class DeploymentSendPath {

    private static final Logger LOG = System.getLogger(DeploymentSendPath.class.getName());

    private record Probed(Object container, SendPath path) {
    }

    private final AtomicReference<Probed> probed = new AtomicReference<>();

    /** The send path of the container serving this session. */
    public SendPath of(Session session) {
        Object container = session.getContainer();
        Probed known = probed.get();
        if (known != null && known.container() == container) {
            return known.path();
        }
        SendPath path = SendPath.probe(container);
        if (probed.compareAndSet(known, new Probed(container, path))) {
            LOG.log(path.probeFailed() ? Level.WARNING : Level.INFO, "send path: " + path.describe());
        }
        return path;
    }
}
