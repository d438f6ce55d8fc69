package io.roomcast.testsupport;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * The server the integration suite runs against: Arquillian's container qualifier, which the
 * failsafe execution selects with {@code arquillian.launch} (pom.xml: Payara Micro by default,
 * WildFly in the {@code wildfly} profile).
 */
public enum TargetServer {
    PAYARA_MICRO, WILDFLY;

    public static TargetServer current() {
        return "wildfly".equals(System.getProperty("arquillian.launch")) ? WILDFLY : PAYARA_MICRO;
    }

    public static boolean isWildFly() {
        return current() == WILDFLY;
    }

    /**
     * The deployment's base URI as tests should address it. Payara Micro's adapter reports the
     * machine's own address. WildFly's adapter reports the management address (127.0.0.1) even though
     * the server listens on every interface ({@code wildfly.bind.address=0.0.0.0}); the machine's own
     * address is put in its place, so that on both servers {@code base()} is a non-loopback peer and
     * {@code 127.0.0.1} the loopback one (HandshakeIT trusts only the latter as a proxy).
     */
    static URI reachableBase(URI base) {
        if (current() != WILDFLY || !"0.0.0.0".equals(System.getProperty("wildfly.bind.address"))
                || !isLoopback(base.getHost())) {
            return base;
        }
        return URI.create(base.getScheme() + "://" + ownAddress() + ":" + base.getPort() + base.getRawPath());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The first IPv4 address of an interface that is up and not loopback; 127.0.0.1 if there is none. */
    private static String ownAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
            return "127.0.0.1";
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}
