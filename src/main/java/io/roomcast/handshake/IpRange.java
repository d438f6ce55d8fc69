package io.roomcast.handshake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IP address or CIDR block from {@code roomcast.proxy.trusted}. */
public record IpRange(byte[] network, int prefixBits) {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    /** Parses {@code 10.0.0.0/8}, {@code 127.0.0.1} or {@code ::1/128}. */
    public static IpRange parse(String text) {
        String[] parts = text.trim().split("/", 2);
        byte[] address = literal(parts[0])
                .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR: '" + text + "'"))
                .getAddress();
        int bits = address.length * 8;
        int prefix = bits;
        if (parts.length == 2) {
            try {
                prefix = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
        }
        return new IpRange(address, prefix);
    }

    /**
     * Parses an IP literal without ever asking a resolver; empty for anything else (host names,
     * "unknown", obfuscated identifiers, zone ids, out-of-range octets). The text is parsed here
     * and the bytes handed to {@link InetAddress#getByAddress(byte[])}: {@code InetAddress.getByName}
     * would send anything it cannot parse itself (e.g. {@code 999.1.1.1}) to the system resolver.
     */
    public static Optional<InetAddress> literal(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        byte[] bytes = s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty(); // only for a wrong array length, which the parsers never return
        }
    }

    /**
     * Dotted-quad decimal, each part 0..255 with 1 to 3 digits and no leading zero (some parsers read
     * {@code 010} as octal: such an address means different things to different readers); null otherwise.
     */
    static byte[] ipv4(String s) {
        if (!IPV4.matcher(s).matches()) {
            return null;
        }
        String[] parts = s.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = Integer.parseInt(parts[i]);
            if (value > 255 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    /**
     * RFC 4291 text form: eight groups of 1-4 hex digits, one {@code ::} standing for one or more zero
     * groups, optionally ending in a dotted quad for the last 32 bits; no zone id. Null otherwise.
     */
    static byte[] ipv6(String s) {
        if (s.isEmpty() || !IPV6_CHARS.matcher(s).matches()) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        byte[] v4 = null;
        String left = gap >= 0 ? s.substring(0, gap) : s;
        String right = gap >= 0 ? s.substring(gap + 2) : "";
        String last = gap >= 0 ? right : left;
        int lastColon = last.lastIndexOf(':');
        String lastPart = last.substring(lastColon + 1);
        if (lastPart.indexOf('.') >= 0) {
            v4 = ipv4(lastPart);
            if (v4 == null) {
                return null;
            }
            String rest = lastColon >= 0 ? last.substring(0, lastColon) : "";
            if (gap >= 0) {
                right = rest;
            } else {
                if (lastColon < 0) {
                    return null;
                }
                left = rest;
            }
        }
        if (!groups(left, head) || !groups(right, tail)) {
            return null;
        }
        int groups = head.size() + tail.size() + (v4 != null ? 2 : 0);
        if (gap >= 0 ? groups > 7 : groups != 8) {
            return null;
        }
        byte[] bytes = new byte[16];
        int at = 0;
        for (int group : head) {
            bytes[at++] = (byte) (group >> 8);
            bytes[at++] = (byte) group;
        }
        at = 16 - (v4 != null ? 4 : 0) - tail.size() * 2;
        for (int group : tail) {
            bytes[at++] = (byte) (group >> 8);
            bytes[at++] = (byte) group;
        }
        if (v4 != null) {
            System.arraycopy(v4, 0, bytes, 12, 4);
        }
        return bytes;
    }

    /** Colon-separated hex groups of 1-4 digits ("" is no group); false on an empty or long group. */
    private static boolean groups(String text, List<Integer> into) {
        if (text.isEmpty()) {
            return true;
        }
        for (String group : text.split(":", -1)) {
            if (group.isEmpty() || group.length() > 4) {
                return false;
            }
            into.add(Integer.parseInt(group, 16));
        }
        return true;
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[full] & mask) == (network[full] & mask);
    }
}
