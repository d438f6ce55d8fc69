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
 * The runtime the integration suite runs against, chosen by the failsafe execution with the system
 * property {@code roomcast.runtime} (pom.xml: Payara Micro by default, {@code wildfly} in the
 * {@code wildfly} profile, {@code payara-server} in the {@code payara-server} profile).
 */
public enum TargetServer {
    PAYARA_MICRO, WILDFLY, PAYARA_SERVER;

    public static TargetServer current() {
        return switch (String.valueOf(System.getProperty("roomcast.runtime"))) {
            case "wildfly" -> WILDFLY;
            case "payara-server" -> PAYARA_SERVER;
            default -> PAYARA_MICRO;
        };
    }

    /** What the runtime's servers add to their names (log files, directories): none for Payara Micro. */
    public String suffix() {
        return switch (this) {
            case PAYARA_MICRO -> "";
            case WILDFLY -> "-wildfly";
            case PAYARA_SERVER -> "-payara-server";
        };
    }

    public static boolean isWildFly() {
        return current() == WILDFLY;
    }

    /**
     * The base URI tests address a shared server by: the machine's own address instead of loopback
     * (both runtimes listen on every interface there), so that {@code base()} is a non-loopback peer
     * and {@code 127.0.0.1} the loopback one (HandshakeIT trusts only the latter as a proxy).
     */
    static URI publicBase(URI base) {
        if (!isLoopback(base.getHost())) {
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
