package io.roomcast.endpoint;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every client frame and error code of PROTOCOL 3.2, presence, direct messages and shared rooms. */
@RoomcastServer(Profile.QUIET)
class JsonProtocolIT extends DeployedRoomcast {

    private WsClient json(String user) throws Exception {
        WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + TestTokens.valid(user)));
        client.awaitJson(type("welcome"));
        return client;
    }

    private static JsonObject join(WsClient client, int room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + "}");
        return client.awaitJson(type("joined"));
    }

    @Test
    void theWelcomeFrameDescribesTheConnection() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/realtime"))) {
            JsonObject welcome = client.nextJson();
            assertThat(welcome.getString("type")).isEqualTo("welcome");
            assertThat(welcome.getString("connectionId")).isNotBlank();
            assertThat(welcome.getString("user")).matches("guest-\\d+");
            assertThat(welcome.get("clientId")).isEqualTo(JsonValue.NULL);
            assertThat(welcome.getString("address")).isEqualTo(server.base().getHost());
            assertThat(welcome.getInt("heartbeatInterval")).isEqualTo(30);
            assertThat(welcome.getJsonNumber("timestamp").longValueExact()).isPositive();
        }
    }

    @Test
    void joinRepliesWithTheMemberCountAndTellsTheOthers() throws Exception {
        try (WsClient alice = json("alice"); WsClient bob = json("bob")) {
            assertThat(join(alice, 11).getInt("members")).isEqualTo(1);
            JsonObject joined = join(bob, 11);
            assertThat(joined.getInt("room")).isEqualTo(11);
            assertThat(joined.getInt("members")).isEqualTo(2);
            JsonObject presence = alice.nextJson();
            assertThat(presence.getString("type")).isEqualTo("presence");
            assertThat(presence.getString("event")).isEqualTo("join");
            assertThat(presence.getString("user")).isEqualTo("bob");
            assertThat(presence.getInt("members")).isEqualTo(2);
            assertThat(bob.framesBeforePong()).as("no presence about oneself").isEmpty();
        }
    }

    @Test
    void joiningTwiceIsHarmless() throws Exception {
        try (WsClient alice = json("alice"); WsClient bob = json("bob")) {
            join(alice, 12);
            join(bob, 12);
            alice.awaitJson(type("presence"));
            assertThat(join(bob, 12).getInt("members")).isEqualTo(2);
            assertThat(alice.framesBeforePong()).as("no second presence").isEmpty();
        }
    }

    @Test
    void leaveRepliesLeftAndTellsTheOthers() throws Exception {
        try (WsClient alice = json("alice"); WsClient bob = json("bob")) {
            join(alice, 13);
            join(bob, 13);
            alice.awaitJson(type("presence"));
            bob.send("{\"type\":\"leave\",\"room\":13}");
            JsonObject left = bob.nextJson();
            assertThat(left.getString("type")).isEqualTo("left");
            assertThat(left.getInt("room")).isEqualTo(13);
            JsonObject presence = alice.nextJson();
            assertThat(presence.getString("event")).isEqualTo("leave");
            assertThat(presence.getString("user")).isEqualTo("bob");
            assertThat(presence.getInt("members")).isEqualTo(1);
        }
    }

    @Test
    void leavingARoomNotJoinedIsNotMember() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("{\"type\":\"leave\",\"room\":14,\"ref\":\"l1\"}");
            assertError(alice.nextJson(), "not_member", "l1");
        }
    }

    @Test
    void aMessageReachesEveryMemberWithServerIdAndRef() throws Exception {
        try (WsClient alice = json("alice"); WsClient bob = json("bob")) {
            join(alice, 15);
            join(bob, 15);
            alice.awaitJson(type("presence"));
            alice.send("{\"type\":\"message\",\"room\":15,\"text\":\"hi\",\"ref\":\"c-1\"}");
            for (WsClient member : List.of(alice, bob)) {
                JsonObject message = member.nextJson();
                assertThat(message.getString("type")).isEqualTo("message");
                assertThat(message.getInt("room")).isEqualTo(15);
                assertThat(message.getString("id")).isNotBlank();
                assertThat(message.getString("from")).isEqualTo("alice");
                assertThat(message.getString("text")).isEqualTo("hi");
                assertThat(message.getString("ref")).isEqualTo("c-1");
                assertThat(message.getJsonNumber("timestamp").longValueExact()).isPositive();
            }
            assertThat(alice.nextJson().getString("type")).as("the sender's ack follows its copy").isEqualTo("ack");
            bob.send("{\"type\":\"message\",\"room\":15,\"text\":\"no ref\"}");
            assertThat(alice.nextJson().get("ref")).as("null keys are sent as null").isEqualTo(JsonValue.NULL);
        }
    }

    @Test
    void aMessageToARoomNotJoinedIsNotMember() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("{\"type\":\"message\",\"room\":16,\"text\":\"hi\",\"ref\":\"m1\"}");
            assertError(alice.nextJson(), "not_member", "m1");
        }
    }

    @Test
    void textAndJsonMembersShareRoomsBothWays() throws Exception {
        try (WsClient alice = json("alice")) {
            join(alice, 17);
            try (WsClient chat = WsClient.connect(server.ws("ws/chat/17"))) {
                JsonObject presence = alice.awaitJson(type("presence"));
                assertThat(presence.getString("event")).isEqualTo("join");
                assertThat(presence.getString("user")).matches("guest-\\d+");
                assertThat(presence.getInt("members")).isEqualTo(2);

                chat.send("from the terminal");
                assertThat(chat.nextText()).isEqualTo("Room 17: from the terminal");
                JsonObject message = alice.nextJson();
                assertThat(message.getString("text")).isEqualTo("from the terminal");
                assertThat(message.getString("from")).isEqualTo(presence.getString("user"));

                alice.send("{\"type\":\"message\",\"room\":17,\"text\":\"from the browser\"}");
                assertThat(chat.nextText()).isEqualTo("Room 17: from the browser");
                assertThat(alice.nextJson().getString("text")).isEqualTo("from the browser");
            }
            JsonObject left = alice.awaitJson(type("presence"));
            assertThat(left.getString("event")).isEqualTo("leave");
            assertThat(left.getInt("members")).isEqualTo(1);
        }
    }

    @Test
    void directMessagesReachEverySessionOfTheClientId() throws Exception {
        String token = URLEncoder.encode(TestTokens.forClients("dora", List.of(4242)), StandardCharsets.UTF_8);
        try (WsClient first = WsClient.connect(server.ws("ws/secure/4242?token=" + token));
             WsClient second = WsClient.connect(server.ws("ws/secure/4242?token=" + token));
             WsClient alice = json("alice")) {
            first.awaitJson(type("welcome"));
            second.awaitJson(type("welcome"));
            alice.send("{\"type\":\"direct\",\"to\":4242,\"text\":\"psst\"}");
            for (WsClient target : List.of(first, second)) {
                JsonObject direct = target.nextJson();
                assertThat(direct.getString("type")).isEqualTo("direct");
                assertThat(direct.getString("from")).isEqualTo("alice");
                assertThat(direct.getString("text")).isEqualTo("psst");
                assertThat(direct.getJsonNumber("timestamp").longValueExact()).isPositive();
            }
            assertThat(alice.framesBeforePong()).as("no not_found: the client id is connected").isEmpty();
        }
    }

    @Test
    void aDirectMessageToAnAbsentClientIsNotFound() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("{\"type\":\"direct\",\"to\":999999,\"text\":\"anyone?\",\"ref\":\"d1\"}");
            assertError(alice.nextJson(), "not_found", "d1");
        }
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("{\"type\":\"ping\"}");
            JsonObject pong = alice.nextJson();
            assertThat(pong.getString("type")).isEqualTo("pong");
            assertThat(pong.getJsonNumber("timestamp").longValueExact()).isPositive();
        }
    }

    @Test
    void unknownFieldsAreIgnoredWhateverTheirValue() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("{\"type\":\"ping\",\"n\":" + "9".repeat(4000) + ",\"e\":1e999999999,\"a\":[[{\"b\":[]}]]}");
            assertThat(alice.nextJson().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void nestingTooDeepIsInvalidMessageAndTheConnectionStaysOpen() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("{\"type\":\"ping\",\"deep\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}");
            assertError(alice.nextJson(), "invalid_message", null);
            alice.send("{\"type\":\"ping\"}");
            assertThat(alice.nextJson().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void aNonJsonFrameIsInvalidJsonAndTheConnectionStaysOpen() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("hello there");
            JsonObject error = alice.nextJson();
            assertError(error, "invalid_json", null);
            assertThat(error.getString("message")).isEqualTo("only JSON is supported");
            alice.send("{\"type\":\"ping\"}");
            assertThat(alice.nextJson().getString("type")).isEqualTo("pong");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,2,3]", "{\"type\":\"PING\"}", "{\"type\":\"shout\"}", "{\"room\":7}",
        "{\"type\":\"join\",\"room\":7.0}", "{\"type\":\"join\",\"room\":\"7\"}", "{\"type\":\"join\",\"room\":4294967297}",
        "{\"type\":\"join\",\"room\":0}", "{\"type\":\"message\",\"room\":7,\"text\":\"\"}", "{\"type\":\"direct\",\"to\":42}"})
    void aProtocolViolationIsInvalidMessageAndTheConnectionStaysOpen(String frame) throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send(frame);
            assertError(alice.nextJson(), "invalid_message", null);
            alice.send("{\"type\":\"ping\"}");
            assertThat(alice.nextJson().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void anInvalidFrameEchoesAStringRef() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.send("{\"type\":\"join\",\"room\":\"seven\",\"ref\":\"j-9\"}");
            assertError(alice.nextJson(), "invalid_message", "j-9");
        }
    }

    @Test
    void aBinaryFrameIsInvalidMessage() throws Exception {
        try (WsClient alice = json("alice")) {
            alice.sendBinary(new byte[] {1, 2, 3});
            assertError(alice.nextJson(), "invalid_message", null);
            assertThat(alice.isOpen()).isTrue();
        }
    }

    @Test
    void joiningARoomTheTokenExcludesIsForbiddenRoom() throws Exception {
        try (WsClient erin = WsClient.connect(server.ws("ws/auth"),
                Map.of("Authorization", "Bearer " + TestTokens.forRooms("erin", List.of(21))))) {
            erin.awaitJson(type("welcome"));
            erin.send("{\"type\":\"join\",\"room\":22,\"ref\":\"x\"}");
            assertError(erin.nextJson(), "forbidden_room", "x");
            assertThat(join(erin, 21).getInt("members")).isEqualTo(1);
        }
    }

    @Test
    void theStatusStreamAnswersPingAndRejectsOtherFrames() throws Exception {
        try (WsClient status = WsClient.connect(server.ws("ws/status"))) {
            status.awaitJson(type("status"));
            status.send("{\"type\":\"ping\"}");
            status.awaitJson(type("pong"));
            status.send("{\"type\":\"join\",\"room\":1}");
            assertError(status.awaitJson(type("error")), "invalid_message", null);
        }
    }

    private static void assertError(JsonObject frame, String code, String ref) {
        assertThat(frame.getString("type")).isEqualTo("error");
        assertThat(frame.getString("code")).isEqualTo(code);
        assertThat(frame.getString("message")).isNotBlank();
        if (ref == null) {
            assertThat(frame.get("ref")).isEqualTo(JsonValue.NULL);
        } else {
            assertThat(frame.getString("ref")).isEqualTo(ref);
        }
    }
}
