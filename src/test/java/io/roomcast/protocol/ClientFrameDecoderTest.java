package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientFrameDecoderTest {

    private final ClientFrameDecoder decoder = new ClientFrameDecoder();

    private ClientFrame valid(String json) {
        Decoded decoded = decoder.decode(json);
        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
        return ((Decoded.Valid) decoded).frame();
    }

    private Decoded.Invalid invalid(String json) {
        Decoded decoded = decoder.decode(json);
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        return (Decoded.Invalid) decoded;
    }

    @Test
    void everyClientFrameDecodes() {
        assertThat(valid("{\"type\":\"join\",\"room\":7}")).isEqualTo(new ClientFrame.Join(7, null, null));
        assertThat(valid("{\"type\":\"leave\",\"room\":7,\"ref\":\"r1\"}")).isEqualTo(new ClientFrame.Leave(7, "r1"));
        assertThat(valid("{\"type\":\"message\",\"room\":2147483647,\"text\":\"hi\",\"ref\":null}"))
                .isEqualTo(new ClientFrame.Send(2147483647, "hi", null));
        assertThat(valid("{\"type\":\"direct\",\"to\":42,\"text\":\"psst\"}")).isEqualTo(new ClientFrame.Direct(42, "psst", null));
        assertThat(valid("{\"type\":\"ping\",\"extra\":[1,2]}")).isEqualTo(new ClientFrame.Ping(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{", "{\"type\":", "", "{} {}"})
    void nonJsonIsInvalidJson(String text) {
        Decoded.Invalid error = invalid(text);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(error.message()).isEqualTo("only JSON is supported");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,2]", "42", "\"join\"", "null",
        "{\"room\":7}", "{\"type\":7}", "{\"type\":\"PING\"}", "{\"type\":\"shout\"}",
        "{\"type\":\"join\"}", "{\"type\":\"join\",\"room\":7.0}", "{\"type\":\"join\",\"room\":\"7\"}",
        "{\"type\":\"join\",\"room\":4294967297}", "{\"type\":\"join\",\"room\":0}", "{\"type\":\"join\",\"room\":-3}",
        "{\"type\":\"join\",\"room\":7e0}", "{\"type\":\"join\",\"room\":2147483648}",
        "{\"type\":\"message\",\"room\":7}", "{\"type\":\"message\",\"room\":7,\"text\":\"\"}",
        "{\"type\":\"message\",\"room\":7,\"text\":5}", "{\"type\":\"direct\",\"to\":\"42\",\"text\":\"x\"}",
        "{\"type\":\"ping\",\"ref\":5}"})
    void wellFormedJsonThatBreaksTheProtocolIsInvalidMessage(String text) {
        assertThat(invalid(text).code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void aStringRefIsEchoedEvenWhenTheFrameIsInvalid() {
        assertThat(invalid("{\"type\":\"join\",\"room\":\"x\",\"ref\":\"abc\"}").ref()).isEqualTo("abc");
        assertThat(invalid("{\"type\":\"nope\",\"ref\":\"r9\"}").ref()).isEqualTo("r9");
        assertThat(invalid("{\"type\":\"ping\",\"ref\":5}").ref()).isNull();
    }

    @Test
    void aRefreshFrameCarriesItsTokenAndRef() {
        assertThat(valid("{\"type\":\"refresh\",\"token\":\"a.b.c\",\"ref\":\"r1\"}"))
                .isEqualTo(new ClientFrame.Refresh("a.b.c", "r1"));
        assertThat(valid("{\"type\":\"refresh\",\"token\":\"a.b.c\"}")).isEqualTo(new ClientFrame.Refresh("a.b.c", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"refresh\"}", "{\"type\":\"refresh\",\"token\":\"\"}", "{\"type\":\"refresh\",\"token\":null}",
        "{\"type\":\"refresh\",\"token\":42}", "{\"type\":\"refresh\",\"token\":[\"a.b.c\"]}",
        "{\"type\":\"REFRESH\",\"token\":\"a.b.c\"}"})
    void aRefreshWithoutANonEmptyStringTokenIsInvalidMessage(String text) {
        assertThat(invalid(text).code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void aRefreshFrameNeverShowsItsTokenWhenPrinted() {
        assertThat(new ClientFrame.Refresh("secret.jwt.value", "r1").toString()).doesNotContain("secret.jwt.value").contains("r1");
    }

    @Test
    void unknownFieldsAreIgnoredWhateverTheirValue() {
        String bigNumber = "9".repeat(4000);
        assertThat(valid("{\"type\":\"ping\",\"n\":" + bigNumber + "}")).isEqualTo(new ClientFrame.Ping(null));
        assertThat(valid("{\"type\":\"ping\",\"n\":-" + bigNumber + "." + bigNumber + "e-99,\"ref\":\"r\"}"))
                .isEqualTo(new ClientFrame.Ping("r"));
        assertThat(valid("{\"type\":\"ping\",\"n\":1e999999999}")).isEqualTo(new ClientFrame.Ping(null));
        assertThat(valid("{\"type\":\"ping\",\"n\":[" + bigNumber + ",1e999999999,{\"m\":" + bigNumber + "}]}"))
                .isEqualTo(new ClientFrame.Ping(null));
        assertThat(valid("{\"extra\":{\"a\":[[],{},[{\"b\":null}],true]},\"type\":\"join\",\"room\":7,\"s\":\""
                + "x".repeat(60_000) + "\"}")).isEqualTo(new ClientFrame.Join(7, null, null));
    }

    @Test
    void aHugeNumberWhereAnIdBelongsIsInvalidMessage() {
        assertThat(invalid("{\"type\":\"join\",\"room\":" + "7".repeat(4000) + "}").code())
                .isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(invalid("{\"type\":\"join\",\"room\":1e999999999}").code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void nestingUpToTheLimitIsIgnoredLikeAnyExtraField() {
        int inner = JsonObjectFields.MAX_DEPTH - 1; // the frame's own object is the first level
        assertThat(valid("{\"type\":\"ping\",\"deep\":" + "[".repeat(inner) + "]".repeat(inner) + "}"))
                .isEqualTo(new ClientFrame.Ping(null));
        assertThat(valid("{\"type\":\"ping\",\"deep\":" + "{\"a\":".repeat(inner) + "1" + "}".repeat(inner) + "}"))
                .isEqualTo(new ClientFrame.Ping(null));
    }

    @ParameterizedTest
    @ValueSource(ints = {JsonObjectFields.MAX_DEPTH, 1_000, 30_000})
    void nestingBeyondTheLimitIsInvalidMessageNotAServerError(int inner) {
        Decoded.Invalid arrays = invalid("{\"type\":\"ping\",\"deep\":" + "[".repeat(inner) + "]".repeat(inner) + "}");
        assertThat(arrays.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(arrays.message()).contains("nest");
        assertThat(invalid("{\"type\":\"ping\",\"deep\":" + "{\"a\":".repeat(inner) + "1" + "}".repeat(inner) + "}").code())
                .isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(invalid("[".repeat(inner + 1) + "]".repeat(inner + 1)).code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "2147483648", "7.0", "1e3", "", "+7", "99999999999999999999"})
    void pathIdsOutsideTheRangeAreRejected(String raw) {
        assertThat(ClientFrameDecoder.parseId(raw)).isEqualTo(-1);
    }

    @Test
    void pathIdsInTheRangeAreAccepted() {
        assertThat(ClientFrameDecoder.parseId("1")).isEqualTo(1);
        assertThat(ClientFrameDecoder.parseId("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(ClientFrameDecoder.parseId("007")).isEqualTo(7);
    }

    @Test
    void aJoinOrHistoryMayCarryASincePosition() {
        assertThat(valid("{\"type\":\"join\",\"room\":7,\"since\":{\"epoch\":\"e1\",\"offset\":41},\"ref\":\"j\"}"))
                .isEqualTo(new ClientFrame.Join(7, new ClientFrame.Since("e1", 41), "j"));
        assertThat(valid("{\"type\":\"join\",\"room\":7,\"since\":null}")).isEqualTo(new ClientFrame.Join(7, null, null));
        assertThat(valid("{\"type\":\"join\",\"room\":7,\"since\":{\"epoch\":\"" + "e".repeat(32)
                + "\",\"offset\":9007199254740991,\"extra\":[1]}}"))
                .isEqualTo(new ClientFrame.Join(7, new ClientFrame.Since("e".repeat(32), 9007199254740991L), null));
        assertThat(valid("{\"type\":\"join\",\"room\":7,\"since\":{\"epoch\":\"e\",\"offset\":0}}"))
                .isEqualTo(new ClientFrame.Join(7, new ClientFrame.Since("e", 0), null));
        assertThat(valid("{\"type\":\"history\",\"room\":7,\"since\":{\"epoch\":\"e1\",\"offset\":10},\"limit\":50,\"ref\":\"h\"}"))
                .isEqualTo(new ClientFrame.History(7, new ClientFrame.Since("e1", 10), 50, "h"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"epoch\":\"\",\"offset\":1}", "{\"epoch\":\"123456789012345678901234567890123\",\"offset\":1}",
        "{\"epoch\":7,\"offset\":1}", "{\"epoch\":null,\"offset\":1}", "{\"epoch\":\"e\",\"offset\":-1}",
        "{\"epoch\":\"e\",\"offset\":1.5}", "{\"epoch\":\"e\",\"offset\":1e3}", "{\"epoch\":\"e\",\"offset\":9007199254740992}",
        "{\"epoch\":\"e\",\"offset\":99999999999999999999}", "{\"epoch\":\"e\",\"offset\":\"5\"}",
        "{\"epoch\":\"e\"}", "{\"offset\":1}", "{}", "\"e:1\"", "[\"e\",1]", "true", "41"})
    void anIllFormedSinceIsInvalidMessageWithTheRefEchoed(String since) {
        Decoded.Invalid join = invalid("{\"type\":\"join\",\"room\":7,\"since\":" + since + ",\"ref\":\"j\"}");
        assertThat(join.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(join.ref()).isEqualTo("j");
        assertThat(invalid("{\"type\":\"history\",\"room\":7,\"since\":" + since + "}").code())
                .isEqualTo(ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void historyHasALimitOf1To1000DefaultingTo100() {
        assertThat(((ClientFrame.History) valid("{\"type\":\"history\",\"room\":7}")).limit()).isEqualTo(100);
        assertThat(((ClientFrame.History) valid("{\"type\":\"history\",\"room\":7,\"limit\":null}")).limit()).isEqualTo(100);
        assertThat(((ClientFrame.History) valid("{\"type\":\"history\",\"room\":7,\"limit\":1000}")).limit()).isEqualTo(1000);
        for (String limit : new String[] {"0", "1001", "-1", "1.5", "\"5\"", "true"}) {
            assertThat(invalid("{\"type\":\"history\",\"room\":7,\"limit\":" + limit + "}").code()).as(limit)
                    .isEqualTo(ErrorCode.INVALID_MESSAGE);
        }
    }

    @Test
    void aMessageMayCarryAW3CTraceparent() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(valid("{\"type\":\"message\",\"room\":7,\"text\":\"x\",\"traceparent\":\""
                + traceparent + "\"}")).isEqualTo(new ClientFrame.Send(7, "x", null, traceparent));
        assertThat(valid("{\"type\":\"message\",\"room\":7,\"text\":\"x\",\"traceparent\":null}"))
                .isEqualTo(new ClientFrame.Send(7, "x", null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7\"",
            "\"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01\"",
            "\"00-00000000000000000000000000000000-00f067aa0ba902b7-01\"",
            "\"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01\"",
            "\"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"", "42", "\"\""})
    void aMessageWithATraceparentThatIsNotW3CIsInvalidMessageWithTheRefEchoed(String value) {
        Decoded.Invalid refused = invalid("{\"type\":\"message\",\"room\":7,\"text\":\"x\",\"ref\":\"r9\","
                + "\"traceparent\":" + value + "}");
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(refused.ref()).isEqualTo("r9");
    }

    @Test
    void aMessageRefOf1To64CharactersIsValidAndLongerOrEmptyIsInvalidMessage() {
        assertThat(valid("{\"type\":\"message\",\"room\":7,\"text\":\"x\",\"ref\":\"" + "r".repeat(64) + "\"}"))
                .isEqualTo(new ClientFrame.Send(7, "x", "r".repeat(64)));
        Decoded.Invalid tooLong = invalid("{\"type\":\"message\",\"room\":7,\"text\":\"x\",\"ref\":\"" + "r".repeat(65) + "\"}");
        assertThat(tooLong.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(invalid("{\"type\":\"message\",\"room\":7,\"text\":\"x\",\"ref\":\"\"}").code())
                .isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(valid("{\"type\":\"ping\",\"ref\":\"" + "r".repeat(65) + "\"}")).as("only a message's ref is bounded")
                .isEqualTo(new ClientFrame.Ping("r".repeat(65)));
    }
}
