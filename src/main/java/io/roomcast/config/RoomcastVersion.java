package io.roomcast.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Roomcast's version, which is its protocol's too (CHANGELOG.md, docs/PROTOCOL.md): one number, the
 * artifact's in pom.xml, which the build writes into {@code io/roomcast/version.properties}. Read once;
 * whatever reports a version takes it from here.
 */
public final class RoomcastVersion {

    static final String RESOURCE = "/io/roomcast/version.properties";

    private static final String CURRENT = read(RoomcastVersion.class.getResourceAsStream(RESOURCE));

    private RoomcastVersion() {
    }

    /** The version, such as {@code 2.2.0}. */
    public static String current() {
        return CURRENT;
    }

    /**
     * The {@code version} of a version.properties.
     *
     * @throws IllegalStateException when there is none, or the build did not fill it in (a class path
     *         that skipped the resources' filtering)
     */
    static String read(InputStream in) {
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the class path");
        }
        Properties properties = new Properties();
        try (in) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
        String version = properties.getProperty("version", "").strip();
        if (version.isEmpty() || version.contains("${")) {
            throw new IllegalStateException(RESOURCE + " has no version filled in by the build: '" + version + "'");
        }
        return version;
    }
}
