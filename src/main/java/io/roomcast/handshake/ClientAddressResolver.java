package io.roomcast.handshake;

import io.roomcast.config.RoomcastSettings.ProxyHeader;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves the client address (PROTOCOL 2): the TCP peer, unless the peer is a trusted proxy; then
 * the right-most address of the forwarding header that is not itself a trusted proxy. Only the one
 * header the trusted proxy writes ({@code roomcast.proxy.header}: {@code X-Forwarded-For} or
 * {@code Forwarded}) is read: a proxy that writes one passes the other on as the client sent it.
 * Forwarding headers from an untrusted peer are ignored, since anyone can write them.
 */
public final class ClientAddressResolver {

    private final List<IpRange> trusted;
    private final ProxyHeader header;

    public ClientAddressResolver(List<String> trustedProxies, ProxyHeader header) {
        this.trusted = trustedProxies.stream().map(IpRange::parse).toList();
        this.header = header;
    }

    /**
     * @param peer the TCP peer address
     * @param headers every value of a request header by name, in order (empty when absent)
     */
    public String resolve(String peer, Function<String, List<String>> headers) {
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> hops = header == ProxyHeader.FORWARDED
                ? forwardedParameter(headers.apply("Forwarded"), "for")
                : split(headers.apply("X-Forwarded-For"));
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

    /**
     * Whether the client reached the trusted proxy over TLS, as the proxy says: the right-most
     * {@code X-Forwarded-Proto} value (with {@code X-Forwarded-For}) or the right-most
     * {@code Forwarded: proto=} (with {@code Forwarded}), which is the one the trusted peer wrote.
     * Empty when the peer is not trusted or says nothing.
     */
    public Optional<Boolean> forwardedSecure(String peer, Function<String, List<String>> headers) {
        if (!isTrusted(peer)) {
            return Optional.empty();
        }
        List<String> protos = header == ProxyHeader.FORWARDED
                ? forwardedParameter(headers.apply("Forwarded"), "proto")
                : split(headers.apply("X-Forwarded-Proto"));
        if (protos.isEmpty()) {
            return Optional.empty();
        }
        String proto = protos.get(protos.size() - 1).toLowerCase(Locale.ROOT);
        return Optional.of(proto.equals("https") || proto.equals("wss"));
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
        if (values == null) {
            return hops;
        }
        for (String value : values) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    hops.add(part.trim());
                }
            }
        }
        return hops;
    }

    /** The values of one parameter ({@code for}, {@code proto}) of RFC 7239 {@code Forwarded} elements, in order. */
    private static List<String> forwardedParameter(List<String> values, String name) {
        List<String> hops = new ArrayList<>();
        for (String element : split(values)) {
            for (String pair : element.split(";")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length == 2 && kv[0].trim().toLowerCase(Locale.ROOT).equals(name)) {
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
