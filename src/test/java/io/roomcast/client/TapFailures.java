package io.roomcast.client;

import java.util.regex.Pattern;

/**
 * The failed tests in node's TAP output ({@code not ok N - name} and the YAML block under it), so
 * that an assertion message names them: CI shows a failure's message, not a whole log.
 */
final class TapFailures {

    private static final Pattern NOT_OK = Pattern.compile("^\\s*not ok \\d+ - .*");
    private static final Pattern BLOCK_END = Pattern.compile("^\\s*\\.\\.\\.\\s*$");
    private static final int MAX_LINES_PER_FAILURE = 30;

    private final StringBuilder text = new StringBuilder();
    private int linesLeft;

    void accept(String line) {
        if (NOT_OK.matcher(line).matches()) {
            linesLeft = MAX_LINES_PER_FAILURE;
        }
        if (linesLeft > 0) {
            text.append(line).append(System.lineSeparator());
            linesLeft = BLOCK_END.matcher(line).matches() ? 0 : linesLeft - 1;
        }
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
