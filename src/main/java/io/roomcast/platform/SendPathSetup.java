package io.roomcast.platform;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Chooses the deployment's {@link SendPath} once, before the first session, and logs which it is. */
@WebListener
public class SendPathSetup implements ServletContextListener {

    private static final Logger LOG = System.getLogger(SendPathSetup.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        SendPath path = SendPath.probe(event.getServletContext().getAttribute(ServerContainer.class.getName()));
        SendPath.install(path);
        LOG.log(path.probeFailed() ? Level.WARNING : Level.INFO, "send path: " + path.describe());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        SendPath.install(SendPath.STANDARD);
    }
}
