package io.roomcast.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The shared server an integration test class talks to: the one of its settings {@link Profile} on the
 * runtime under test, booted once per run by {@link ServerPool} and reused by every class of that
 * profile. Classes of one profile run one after another (they share the server's instance-wide state:
 * connection counts, rate buckets, room caps); classes of different profiles run at the same time.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(SharedServers.class)
@ResourceLock(providers = ProfileLock.class)
public @interface RoomcastServer {

    Profile value() default Profile.DEFAULTS;
}
