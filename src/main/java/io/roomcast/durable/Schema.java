package io.roomcast.durable;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Creates and migrates the durable store's tables at start, with Flyway, in its own history table
 * ({@code roomcast_schema_history}), so the application's own migrations in the same database are left
 * alone. Instances starting together are safe: Flyway takes a lock in the database while it migrates.
 *
 * <p>The migrations are named here rather than found by a classpath scan: a scan inside a WAR differs
 * between servers (WildFly's VFS needs a module Flyway cannot see), a list does not.
 */
final class Schema {

    /** Every migration, oldest first. A new one is a new file here and a new line below. */
    static final List<String> MIGRATIONS = List.of("V1__room_streams.sql", "V2__bus_events.sql",
            "V3__message_trace.sql");

    private Schema() {
    }

    static void migrate(DataSource dataSource) {
        Flyway.configure(Schema.class.getClassLoader())
                .dataSource(dataSource)
                .table("roomcast_schema_history")
                .baselineOnMigrate(true) // a database that already holds the application's own tables
                .baselineVersion("0")
                .resourceProvider(new Migrations())
                .load()
                .migrate();
    }

    private static final class Migrations implements ResourceProvider {

        @Override
        public LoadableResource getResource(String name) {
            return MIGRATIONS.contains(name) ? new Migration(name) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return MIGRATIONS.stream()
                    .filter(name -> name.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(name::endsWith))
                    .<LoadableResource>map(Migration::new)
                    .toList();
        }
    }

    private static final class Migration extends LoadableResource {

        private final String name;

        Migration(String name) {
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = Schema.class.getResourceAsStream(name);
            if (in == null) {
                throw new UncheckedIOException(new java.io.FileNotFoundException(name + " is missing from the WAR"));
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return "io/roomcast/durable/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return getAbsolutePath();
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
