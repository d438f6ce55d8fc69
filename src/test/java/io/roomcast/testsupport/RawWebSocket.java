package io.roomcast.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a bare socket, for what a polite client library will not do: read the HTTP
 * answer of a refused handshake, stop answering pings, stop reading, vanish without a close frame,
 * or send frames that break the protocol.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    /** Reserved bits of a frame's first byte: or one into an opcode to set it (RFC 6455 5.2). */
    public static final int RSV1 = 0x40;
    public static final int RSV2 = 0x20;
    public static final int RSV3 = 0x10;

    /** The HTTP answer to an upgrade request. */
    public record Handshake(int status, Map<String, String> headers, String body, RawWebSocket socket) {
    }

    /** A frame from the server. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();

    private RawWebSocket(Socket socket, InputStream in) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(in);
        this.out = socket.getOutputStream();
    }

    /** Sends an upgrade request for {@code ws://host:port/path?query} with extra headers. */
    public static Handshake handshake(URI uri, Map<String, String> headers) throws IOException {
        return handshake(uri, headers, null);
    }

    /** As {@link #handshake(URI, Map)}, from a chosen local address (to be a different peer). */
    public static Handshake handshake(URI uri, Map<String, String> headers, String localAddress) throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        socket.setSoTimeout(10_000);
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(16));
        StringBuilder request = new StringBuilder()
                .append("GET ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(" HTTP/1.1\r\n")
                .append("Host: ").append(headers.getOrDefault("Host", uri.getHost() + ":" + uri.getPort())).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ").append(key).append("\r\n");
        // A "Host" entry replaces the default Host header (to be reached under another name, as through a proxy).
        headers.forEach((k, v) -> {
            if (!k.equals("Host")) {
                request.append(k).append(": ").append(v).append("\r\n");
            }
        });
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();

        InputStream in = socket.getInputStream();
        String statusLine = readLine(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            responseHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (status == 101) {
            return new Handshake(status, responseHeaders, "", new RawWebSocket(socket, in));
        }
        String body = "";
        String length = responseHeaders.get("content-length");
        if (length != null) {
            byte[] bytes = new DataInputStream(in).readNBytes(Integer.parseInt(length));
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        socket.close();
        FrameContract.requireDocumentedError(status, body, "handshake " + uri.getRawPath());
        return new Handshake(status, responseHeaders, body, null);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new EOFException("connection closed before the HTTP answer");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    public void sendText(String text) throws IOException {
        sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8), true, true);
    }

    /** Writes one frame; {@code masked=false} breaks RFC 6455 on purpose. */
    public void sendFrame(int opcode, byte[] payload, boolean masked, boolean fin) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(maskBit | 127);
            long len = payload.length;
            for (int i = 7; i >= 0; i--) {
                frame.write((int) (len >>> (8 * i)) & 0xFF);
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i % 4];
            }
        }
        frame.write(body);
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * Writes only a masked frame header declaring {@code declaredLength} payload bytes (any 63-bit
     * value: 2^62 too), and no payload: to see what the server does with the header alone. The opcode
     * may carry reserved bits ({@link #RSV1}...).
     */
    public void sendHeaderOnly(int opcode, long declaredLength, boolean fin) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write((fin ? 0x80 : 0) | opcode);
        if (declaredLength < 126) {
            header.write(0x80 | (int) declaredLength);
        } else if (declaredLength < 65536) {
            header.write(0x80 | 126);
            header.write((int) (declaredLength >>> 8));
            header.write((int) declaredLength & 0xFF);
        } else {
            header.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                header.write((int) (declaredLength >>> (8 * i)) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        header.write(mask);
        out.write(header.toByteArray());
        out.flush();
    }

    /** The next frame from the server, or null when none arrives within the wait. */
    public Frame readFrame(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        if (first == -1) {
            throw new EOFException("server closed the connection");
        }
        socket.setSoTimeout(10_000);
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** Reads frames until a close frame arrives (pings go unanswered), or fails after the wait. */
    public Frame awaitClose(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = readFrame(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (frame != null && frame.opcode() == CLOSE) {
                return frame;
            }
        }
        throw new AssertionError("no close frame within " + wait);
    }

    /**
     * Reads until the server ends the connection: returns its close frame, or null when the TCP
     * connection ended without one (a server cannot always deliver a close frame to a peer that
     * stopped reading).
     */
    public Frame awaitCloseOrEnd(Duration wait) throws IOException {
        try {
            return awaitClose(wait);
        } catch (EOFException | java.net.SocketException e) {
            return null;
        }
    }

    /** Drops the connection without a close frame, as a crashed peer or a pulled cable would. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /**
     * Whether the kernel still holds this connection as established, read without reading a byte from it
     * (see {@link TcpTable}); empty where the kernel's table cannot be read.
     */
    public java.util.Optional<Boolean> established() {
        return TcpTable.established(socket.getLocalPort(), socket.getPort());
    }

    /** Shrinks the receive buffer so a peer that stops reading backs up quickly. */
    public void setReceiveBuffer(int bytes) throws IOException {
        socket.setReceiveBufferSize(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
