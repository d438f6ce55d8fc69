package io.roomcast.testsupport;

/**
 * JVM options of the servers the tests start. A test server lives a few minutes and spends most of
 * its CPU booting, so it compiles with C1 only: measured on this 2-core machine, a Payara Micro boot
 * with the WAR took 17-22 s of CPU with the default tiered compilation and 9-10 s with C1 alone, and
 * the suite is bound by CPU (docs/TESTING.md). The benchmarks never use these options.
 */
public final class TestJvm {

    /** Heap and compiler of every Payara Micro and WildFly server started by the tests. */
    public static final String[] SERVER_OPTIONS = {"-Xmx512m", "-XX:TieredStopAtLevel=1"};

    private TestJvm() {
    }
}
