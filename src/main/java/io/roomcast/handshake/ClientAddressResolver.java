package io.roomcast.handshake;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Resolves the client address (PROTOCOL 2): the TCP peer, unless the peer is a trusted proxy; then
 * the right-most address of {@code X-Forwarded-For} (or {@code Forwarded: for=}) that is not itself a
 * trusted proxy. Forwarding headers from an untrusted peer are ignored, since anyone can write them.
 */
public final class ClientAddressResolver {

    private final List<IpRange> trusted;

    public ClientAddressResolver(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(IpRange::parse).toList();
    }

    /**
     * @param peer the TCP peer address
     * @param forwardedFor every {@code X-Forwarded-For} header value, in order
     * @param forwarded every {@code Forwarded} header value, in order
     */
    public String resolve(String peer, List<String> forwardedFor, List<String> forwarded) {
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> hops = !forwardedFor.isEmpty() ? split(forwardedFor) : forwardedFor(forwarded);
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = IpRange.literal(stripPort(hops.get(i)));
            if (hop.isEmpty()) {
                break; // garbage cannot be trusted further: keep the last address a trusted proxy gave
            }
            client = hop.get().getHostAddress();
            if (!isTrusted(hop.get())) {
                break;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        return IpRange.literal(address).map(this::isTrusted).orElse(false);
    }

    private boolean isTrusted(InetAddress address) {
        for (IpRange range : trusted) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> split(List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    hops.add(part.trim());
                }
            }
        }
        return hops;
    }

    /** The {@code for=} parameters of RFC 7239 {@code Forwarded} elements, in order. */
    private static List<String> forwardedFor(List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String element : split(values)) {
            for (String pair : element.split(";")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length == 2 && kv[0].trim().toLowerCase(Locale.ROOT).equals("for")) {
                    hops.add(unquote(kv[1].trim()));
                }
            }
        }
        return hops;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** {@code 1.2.3.4:5678} and {@code [2001:db8::1]:4711} carry a port; a bare IPv6 literal does not. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':')) {
            return hop.substring(0, colon);
        }
        return hop;
    }
}
