package io.roomcast.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TapFailuresTest {

    @Test
    void keepsOnlyTheFailedTestsAndTheirBlocks() {
        TapFailures failures = new TapFailures();
        String[] tap = {
            "TAP version 13",
            "# Subtest: fine",
            "ok 1 - fine",
            "  ---",
            "  duration_ms: 3",
            "  ...",
            "# Subtest: broken",
            "not ok 2 - broken",
            "  ---",
            "  error: 'Expected values to be strictly equal'",
            "  ...",
            "# pass 1",
        };
        for (String line : tap) {
            failures.accept(line);
        }

        String nl = System.lineSeparator();
        assertEquals("not ok 2 - broken" + nl + "  ---" + nl + "  error: 'Expected values to be strictly equal'" + nl
                + "  ..." + nl, failures.toString());
    }

    @Test
    void aFailureWithoutABlockEndIsCutAfterThirtyLines() {
        TapFailures failures = new TapFailures();
        failures.accept("not ok 1 - endless");
        for (int i = 0; i < 100; i++) {
            failures.accept("  line " + i);
        }

        assertEquals(30, failures.toString().lines().count());
    }
}
