package io.roomcast.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kernel's table of this machine's TCP connections (Linux: {@code /proc/net/tcp} and {@code tcp6}):
 * how a test sees that the server closed or reset a connection whose client side has not read a byte,
 * which the client's socket API cannot tell without reading.
 */
public final class TcpTable {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** {@code TCP_ESTABLISHED} in the table's {@code st} column. */
    private static final String ESTABLISHED = "01";

    private TcpTable() {
    }

    /**
     * Whether the connection from {@code localPort} to {@code remotePort} on this machine is established:
     * false once the peer's FIN or RST arrived (a reset connection leaves the table, a closed one waits in
     * CLOSE_WAIT). Empty where the table cannot be read (not Linux).
     */
    public static Optional<Boolean> established(int localPort, int remotePort) {
        boolean readable = false;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | SecurityException e) {
                continue;
            }
            readable = true;
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && port(fields[1]) == localPort && port(fields[2]) == remotePort) {
                    return Optional.of(ESTABLISHED.equals(fields[3].toUpperCase(Locale.ROOT)));
                }
            }
        }
        return readable ? Optional.of(false) : Optional.empty();
    }

    /** The port of an {@code address:port} entry, both in hex. */
    private static int port(String entry) {
        return Integer.parseInt(entry.substring(entry.indexOf(':') + 1), 16);
    }
}
