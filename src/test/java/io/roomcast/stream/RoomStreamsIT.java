package io.roomcast.stream;

import static io.roomcast.testsupport.StreamClients.assertError;
import static io.roomcast.testsupport.StreamClients.history;
import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.StreamClients.joinSince;
import static io.roomcast.testsupport.StreamClients.message;
import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.StreamClients.offsets;
import static io.roomcast.testsupport.StreamClients.send;
import static io.roomcast.testsupport.StreamClients.since;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.EOFException;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Room streams with the default history size and bounds (PROTOCOL 9): offsets, recovery on join and its
 * seam, the history frame, acks and idempotent publishes, on a single instance. The profile keeps
 * messages an hour (no stream is dropped during a run) and has rates out of the way: the seam needs a
 * publisher that goes as fast as its acks come back.
 */
@RoomcastServer(Profile.SMALL_QUEUE_BYTES)
class RoomStreamsIT extends DeployedRoomcast {

    private StreamClients clients;

    @BeforeEach
    void clients() {
        clients = new StreamClients(server);
    }

    @Test
    void offsetsGrowByOneAcrossJsonChatAndHttpPublishersInOneRoom() throws Exception {
        int room = 3001;
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = join(alice, room);
            String epoch = joined.getString("epoch");
            assertThat(epoch).isNotBlank().hasSizeLessThanOrEqualTo(32);
            assertThat(offset(joined)).isZero();
            try (WsClient chat = WsClient.connect(server.ws("ws/chat/" + room))) {
                alice.awaitJson(type("presence"));
                send(alice, room, "json", null);
                chat.send("chat");
                JsonObject http = clients.published("bob", room, "http");
                send(alice, room, "json again", null);

                List<JsonObject> messages = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    messages.add(alice.awaitJson(type("message")));
                }
                assertThat(messages).extracting(m -> m.getString("text")).containsExactlyInAnyOrder(
                        "json", "chat", "http", "json again");
                assertThat(messages).extracting(StreamClients::offset).containsExactly(1L, 2L, 3L, 4L);
                assertThat(messages).extracting(m -> m.getString("epoch")).containsOnly(epoch);
                JsonObject httpCopy = messages.stream().filter(m -> m.getString("text").equals("http")).findFirst().orElseThrow();
                assertThat(http.getString("status")).isEqualTo("accepted");
                assertThat(http.getString("id")).isEqualTo(httpCopy.getString("id"));
                assertThat(http.getString("epoch")).isEqualTo(epoch);
                assertThat(offset(http)).isEqualTo(offset(httpCopy));
                assertThat(chat.linesBeforeEcho(room)).as("chat lines are unchanged")
                        .contains("Room " + room + ": http", "Room " + room + ": json again");
            }
        }
    }

    @Test
    void joinedCarriesTheLatestOffsetAndTheFirstLiveMessageIsTheNext() throws Exception {
        int room = 3002;
        clients.published("bob", room, "one");
        JsonObject last = clients.published("bob", room, "two");
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = join(alice, room);
            assertThat(joined.getString("epoch")).isEqualTo(last.getString("epoch"));
            assertThat(offset(joined)).isEqualTo(2);
            assertThat(joined.getBoolean("recovered")).isFalse();
            assertThat(joined.getInt("missed")).isZero();
            assertThat(joined.containsKey("reason")).as("reason only when since was given").isFalse();
            assertThat(alice.framesBeforePong()).as("nothing replayed without since").isEmpty();
            clients.published("bob", room, "three");
            JsonObject live = alice.awaitJson(type("message"));
            assertThat(offset(live)).isEqualTo(3);
            assertThat(live.getString("text")).isEqualTo("three");
        }
    }

    /**
     * The seam of PROTOCOL 9.1: a client that dropped out rejoins with since while another client keeps
     * publishing. It must get the joined reply, then every message after its since, then live ones:
     * offsets strictly +1 from since to the publisher's last, each exactly once.
     */
    @Test
    void recoveryReplaysExactlyTheMissedMessagesWhileAnotherClientPublishes() throws Exception {
        int room = 3003;
        Map<Long, String> published = new ConcurrentHashMap<>();
        try (WsClient publisher = clients.json("pub")) {
            JsonObject first = join(publisher, room);
            String epoch = first.getString("epoch");
            long since;
            try (WsClient before = clients.json("xavier")) {
                join(before, room);
                publisher.awaitJson(type("presence"));
                for (int i = 0; i < 5; i++) {
                    published.put(publishAcked(publisher, room, "before-" + i, "b" + i), "before-" + i);
                }
                since = offset(before.awaitJson(message(offset(first) + 5)));
            }
            try (WsClient after = clients.json("xavier")) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger sent = new AtomicInteger();
                CompletableFuture<Long> last = CompletableFuture.supplyAsync(() -> {
                    long lastOffset = 0;
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            lastOffset = publishAcked(publisher, room, "seam-" + i, "s" + i);
                            published.put(lastOffset, "seam-" + i);
                            sent.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return lastOffset;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() >= 10 || last.isDone());

                JsonObject joined = joinSince(after, room, epoch, since);
                assertThat(joined.getBoolean("recovered")).as(joined.toString()).isTrue();
                assertThat(joined.getString("epoch")).isEqualTo(epoch);
                assertThat(joined.getJsonNumber("missed").longValue()).isEqualTo(offset(joined) - since).isPositive();
                assertThat(joined.containsKey("reason")).isFalse();

                List<JsonObject> received = new ArrayList<>();
                while (received.size() < joined.getInt("missed") + 50) {
                    received.add(after.awaitJson(type("message")));
                }
                stop.set(true);
                long end = last.get(30, TimeUnit.SECONDS);
                while (offset(received.get(received.size() - 1)) < end) {
                    received.add(after.awaitJson(type("message")));
                }
                assertThat(received).extracting(StreamClients::offset).as("strictly +1 from since to the end")
                        .containsExactly(LongStream.rangeClosed(since + 1, end).boxed().toArray(Long[]::new));
                assertThat(received).extracting(m -> m.getString("text"))
                        .containsExactly(LongStream.rangeClosed(since + 1, end).mapToObj(published::get).toArray(String[]::new));
                assertThat(end).as("live messages followed the replay").isGreaterThan(offset(joined));
                assertThat(after.framesBeforePong()).as("nothing twice after the last").isEmpty();
            }
        }
    }

    @Test
    void aSinceOfAnotherEpochIsNotRecoveredEpochChangedAndLiveMessagesFollow() throws Exception {
        int room = 3004;
        clients.published("bob", room, "kept");
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, room, "not-this-epoch", 0);
            assertUnrecovered(joined, "epoch_changed", 1);
            assertThat(alice.framesBeforePong()).as("nothing replayed").isEmpty();
            clients.published("bob", room, "live");
            assertThat(offset(alice.awaitJson(type("message")))).isEqualTo(2);
        }
    }

    @Test
    void aSinceBeyondTheLatestOffsetIsUnknownPosition() throws Exception {
        int room = 3005;
        String epoch = clients.published("bob", room, "one").getString("epoch");
        try (WsClient alice = clients.json("alice")) {
            assertUnrecovered(joinSince(alice, room, epoch, 2), "unknown_position", 1);
            assertThat(alice.framesBeforePong()).isEmpty();
        }
    }

    @Test
    void theFirstFailedReasonInTheProtocolsOrderIsGiven() throws Exception {
        int room = 3006;
        clients.published("bob", room, "one");
        try (WsClient alice = clients.json("alice")) {
            assertUnrecovered(joinSince(alice, room, "other", 99), "epoch_changed", 1);
        }
    }

    @Test
    void aSinceAtTheLatestOffsetRecoversNothingMissed() throws Exception {
        int room = 3007;
        String epoch = clients.published("bob", room, "one").getString("epoch");
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, room, epoch, 1);
            assertThat(joined.getBoolean("recovered")).isTrue();
            assertThat(joined.getInt("missed")).isZero();
            assertThat(alice.framesBeforePong()).isEmpty();
        }
    }

    @Test
    void joiningAnAlreadyJoinedRoomWithSinceRecoversWithoutASecondPresence() throws Exception {
        int room = 3008;
        try (WsClient alice = clients.json("alice"); WsClient bob = clients.json("bob")) {
            JsonObject first = join(alice, room);
            join(bob, room);
            alice.awaitJson(type("presence"));
            clients.published("carol", room, "m1");
            clients.published("carol", room, "m2");
            alice.awaitJson(message(2));
            bob.awaitJson(message(2));

            JsonObject again = joinSince(alice, room, first.getString("epoch"), 0);
            assertThat(again.getBoolean("recovered")).isTrue();
            assertThat(again.getInt("missed")).isEqualTo(2);
            assertThat(again.getInt("members")).isEqualTo(2);
            assertThat(offset(alice.nextJson())).isEqualTo(1);
            assertThat(offset(alice.nextJson())).isEqualTo(2);
            assertThat(alice.framesBeforePong()).isEmpty();
            assertThat(bob.framesBeforePong()).as("no second presence").isEmpty();
        }
    }

    @Test
    void theAckComesAfterTheSendersOwnCopyAndOnlyToTheSender() throws Exception {
        int room = 3009;
        try (WsClient alice = clients.json("alice"); WsClient bob = clients.json("bob")) {
            join(alice, room);
            join(bob, room);
            alice.awaitJson(type("presence"));
            send(alice, room, "hi", "a-1");
            JsonObject copy = alice.nextJson();
            JsonObject ack = alice.nextJson();
            assertThat(copy.getString("type")).isEqualTo("message");
            assertThat(ack.getString("type")).isEqualTo("ack");
            assertThat(ack.getString("ref")).isEqualTo("a-1");
            assertThat(ack.getInt("room")).isEqualTo(room);
            assertThat(ack.getString("id")).isEqualTo(copy.getString("id"));
            assertThat(ack.getString("epoch")).isEqualTo(copy.getString("epoch"));
            assertThat(offset(ack)).isEqualTo(offset(copy)).isEqualTo(1);
            assertThat(bob.nextJson().getString("id")).isEqualTo(copy.getString("id"));
            assertThat(bob.framesBeforePong()).as("no ack for the others").isEmpty();
        }
    }

    @Test
    void aMessageWithoutRefIsNotAcknowledged() throws Exception {
        int room = 3010;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            send(alice, room, "no ref", null);
            assertThat(alice.nextJson().getString("type")).isEqualTo("message");
            assertThat(alice.framesBeforePong()).isEmpty();
        }
    }

    @Test
    void aResendWithTheSameRefAfterAReconnectIsAcknowledgedAgainAndNotPublishedTwice() throws Exception {
        int room = 3011;
        try (WsClient bob = clients.json("bob")) {
            join(bob, room);
            JsonObject firstAck;
            try (WsClient alice = clients.json("alice")) {
                join(alice, room);
                send(alice, room, "once", "r-1");
                firstAck = alice.awaitJson(type("ack"));
            }
            bob.awaitJson(message(1));
            try (WsClient alice = clients.json("alice")) {
                JsonObject joined = joinSince(alice, room, firstAck.getString("epoch"), offset(firstAck));
                assertThat(joined.getBoolean("recovered")).isTrue();
                send(alice, room, "once (resent)", "r-1");
                List<String> frames = alice.framesBeforePong();
                assertThat(frames).as("only the first publish's ack").hasSize(1);
                JsonObject ack = WsClient.parse(frames.get(0));
                assertThat(ack.getString("type")).isEqualTo("ack");
                assertThat(ack.getString("ref")).isEqualTo("r-1");
                assertThat(ack.getString("id")).isEqualTo(firstAck.getString("id"));
                assertThat(ack.getString("epoch")).isEqualTo(firstAck.getString("epoch"));
                assertThat(offset(ack)).isEqualTo(offset(firstAck));
                assertThat(bob.framesBeforePong()).as("no second message event for anyone")
                        .noneMatch(f -> f.contains("\"message\""));

                send(alice, room, "next", "r-2");
                assertThat(offset(alice.awaitJson(type("ack")))).as("no offset skipped").isEqualTo(2);
            }
        }
    }

    @Test
    void theSameRefFromAnotherUserOrRoomIsAnotherPublish() throws Exception {
        try (WsClient alice = clients.json("alice"); WsClient bob = clients.json("bob")) {
            join(alice, 3012);
            join(alice, 3013);
            join(bob, 3012);
            alice.awaitJson(type("presence"));
            send(alice, 3012, "a", "same");
            JsonObject first = alice.awaitJson(type("ack"));
            send(bob, 3012, "b", "same");
            JsonObject other = bob.awaitJson(type("ack"));
            send(alice, 3013, "c", "same");
            JsonObject elsewhere = alice.awaitJson(type("ack"));
            assertThat(other.getString("id")).isNotEqualTo(first.getString("id"));
            assertThat(offset(other)).isEqualTo(2);
            assertThat(elsewhere.getInt("room")).isEqualTo(3013);
            assertThat(offset(elsewhere)).isEqualTo(1);
        }
    }

    @Test
    void guestsGetAcksButNoDeduplication() throws Exception {
        int room = 3014;
        try (WsClient guest = clients.guest()) {
            join(guest, room);
            send(guest, room, "first", "g-1");
            JsonObject firstCopy = guest.nextJson();
            JsonObject firstAck = guest.nextJson();
            send(guest, room, "second", "g-1");
            JsonObject secondCopy = guest.nextJson();
            JsonObject secondAck = guest.nextJson();
            assertThat(List.of(firstCopy, secondCopy)).extracting(f -> f.getString("type")).containsOnly("message");
            assertThat(List.of(firstAck, secondAck)).extracting(f -> f.getString("type")).containsOnly("ack");
            assertThat(offset(firstAck)).isEqualTo(1);
            assertThat(offset(secondAck)).isEqualTo(2);
            assertThat(secondAck.getString("id")).isNotEqualTo(firstAck.getString("id"));
        }
    }

    @Test
    void anIdempotencyKeyRepeatedOnThePublishApiAnswersTheSameAndPublishesOnce() throws Exception {
        int room = 3015;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            HttpResponse<String> first = clients.publish("backend", room, "once", "key-1");
            HttpResponse<String> again = clients.publish("backend", room, "once", "key-1");
            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(again.statusCode()).isEqualTo(202);
            assertThat(WsClient.parse(again.body())).isEqualTo(WsClient.parse(first.body()));
            assertThat(offset(WsClient.parse(first.body()))).isEqualTo(1);
            assertThat(alice.nextJson().getString("text")).isEqualTo("once");
            assertThat(alice.framesBeforePong()).as("no second message event").isEmpty();

            JsonObject otherUser = WsClient.parse(clients.publish("other", room, "twice", "key-1").body());
            assertThat(offset(otherUser)).as("keyed by the token's sub").isEqualTo(2);
        }
    }

    @Test
    void anHttpIdempotencyKeyAndAWebSocketRefOfTheSameUserAndRoomAreOneNamespace() throws Exception {
        int room = 3016;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            HttpResponse<String> response = clients.publish("alice", room, "by http", "shared");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            JsonObject http = WsClient.parse(response.body());
            alice.awaitJson(type("message"));
            send(alice, room, "by websocket", "shared");
            JsonObject ack = alice.awaitJson(type("ack"));
            assertThat(ack.getString("id")).isEqualTo(http.getString("id"));
            assertThat(alice.framesBeforePong()).isEmpty();
        }
    }

    @Test
    void aBadIdempotencyKeyIsInvalidParameter() throws Exception {
        for (String key : List.of("", "k".repeat(65))) {
            HttpResponse<String> response = clients.publish("backend", 3017, "x", key);
            assertThat(response.statusCode()).as("key of %d characters", key.length()).isEqualTo(400);
            assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo("invalid_parameter");
        }
        assertThat(clients.publish("backend", 3017, "x", "k".repeat(64)).statusCode()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"epoch\":\"\",\"offset\":1}", "{\"epoch\":\"123456789012345678901234567890123\",\"offset\":1}",
        "{\"epoch\":7,\"offset\":1}", "{\"epoch\":\"e\",\"offset\":-1}", "{\"epoch\":\"e\",\"offset\":1.5}",
        "{\"epoch\":\"e\",\"offset\":9007199254740992}", "{\"epoch\":\"e\",\"offset\":\"5\"}", "{\"epoch\":\"e\"}",
        "{\"offset\":1}", "\"e:1\"", "[\"e\",1]", "true"})
    void anInvalidSinceIsInvalidMessage(String since) throws Exception {
        try (WsClient alice = clients.json("alice")) {
            alice.send("{\"type\":\"join\",\"room\":3018,\"since\":" + since + ",\"ref\":\"j\"}");
            assertError(alice.nextJson(), "invalid_message", "j");
            alice.send("{\"type\":\"history\",\"room\":3018,\"since\":" + since + ",\"ref\":\"h\"}");
            assertError(alice.nextJson(), "invalid_message", "h");
            assertThat(alice.framesBeforePong()).as("not joined").isEmpty();
        }
    }

    @Test
    void theLargestSinceOffsetIsValid() throws Exception {
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, 3019, "e", 9007199254740991L);
            assertThat(joined.getString("reason")).isEqualTo("epoch_changed");
        }
    }

    @Test
    void aMessageRefLongerThan64CharactersIsInvalidMessage() throws Exception {
        int room = 3020;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            send(alice, room, "too long", "r".repeat(65));
            JsonObject error = alice.nextJson();
            assertThat(error.getString("code")).isEqualTo("invalid_message");
            send(alice, room, "just right", "r".repeat(64));
            assertThat(alice.nextJson().getString("type")).isEqualTo("message");
            assertThat(alice.nextJson().getString("ref")).isEqualTo("r".repeat(64));
        }
    }

    @Test
    void historyGivesTheNewestOrTheOldestAfterSinceWithLimitAndComplete() throws Exception {
        int room = 3021;
        String epoch = null;
        for (int i = 1; i <= 5; i++) {
            epoch = clients.published("bob", room, "h" + i).getString("epoch");
        }
        try (WsClient alice = clients.json("alice")) {
            join(alice, room); // history is for members (PROTOCOL 13.4)
            JsonObject newest = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"limit\":3,\"ref\":\"n\"}");
            assertThat(newest.getInt("room")).isEqualTo(room);
            assertThat(newest.getString("epoch")).isEqualTo(epoch);
            assertThat(offset(newest)).isEqualTo(5);
            assertThat(offsets(newest)).containsExactly(3, 4, 5);
            assertThat(newest.getBoolean("complete")).isFalse();
            assertThat(newest.getString("ref")).isEqualTo("n");
            JsonObject first = newest.getJsonArray("messages").getJsonObject(0);
            assertThat(first.getString("type")).isEqualTo("message");
            assertThat(first.getString("text")).isEqualTo("h3");
            assertThat(first.getString("epoch")).isEqualTo(epoch);

            JsonObject all = history(alice, "{\"type\":\"history\",\"room\":" + room + "}");
            assertThat(offsets(all)).containsExactly(1, 2, 3, 4, 5);
            assertThat(all.getBoolean("complete")).isTrue();
            assertThat(all.get("ref")).isEqualTo(JsonValue.NULL);

            JsonObject after = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"since\":"
                    + since(epoch, 1) + ",\"limit\":2}");
            assertThat(offsets(after)).containsExactly(2, 3);
            assertThat(after.getBoolean("complete")).isFalse();

            JsonObject rest = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"since\":"
                    + since(epoch, 3) + ",\"limit\":2}");
            assertThat(offsets(rest)).containsExactly(4, 5);
            assertThat(rest.getBoolean("complete")).isTrue();

            JsonObject otherEpoch = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"since\":"
                    + since("other", 3) + ",\"limit\":2}");
            assertThat(offsets(otherEpoch)).as("the oldest kept").containsExactly(1, 2);
            assertThat(otherEpoch.getBoolean("complete")).isFalse();

            JsonObject wholeOtherEpoch = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"since\":"
                    + since("other", 0) + "}");
            assertThat(offsets(wholeOtherEpoch)).containsExactly(1, 2, 3, 4, 5);
            assertThat(wholeOtherEpoch.getBoolean("complete")).as("another epoch is never complete").isFalse();
        }
    }

    /**
     * PROTOCOL 13.3: a room's stream starts with its first successful join, and a history request of a
     * room that has none (refused: not a member) leaves none behind.
     */
    @Test
    void aJoinStartsTheStreamOfARoomNeverUsedAndAHistoryRequestDoesNot() throws Exception {
        long streams = server.metric("roomcast_streams");
        try (WsClient alice = clients.json("alice")) {
            assertError(history(alice, "{\"type\":\"history\",\"room\":3022,\"ref\":\"h\"}"), "not_member", "h");
            assertThat(server.metric("roomcast_streams")).isEqualTo(streams);
            JsonObject joined = join(alice, 3022);
            assertThat(joined.getString("epoch")).as("the stream began with the join").isNotBlank();
            assertThat(offset(joined)).isZero();
            assertThat(server.metric("roomcast_streams")).isEqualTo(streams + 1);
            JsonObject empty = history(alice, "{\"type\":\"history\",\"room\":3022}");
            assertThat(empty.getString("epoch")).isEqualTo(joined.getString("epoch"));
            assertThat(offset(empty)).isZero();
            assertThat(empty.getJsonArray("messages")).isEmpty();
            assertThat(empty.getBoolean("complete")).isTrue();
            assertThat(offset(clients.published("bob", 3022, "first"))).isEqualTo(1);
        }
    }

    /**
     * PROTOCOL 13.4: the history frame needs membership: {@code not_member} from a connection that has
     * not joined the room, {@code forbidden_room} when its token excludes the room (joined or not); a
     * member reads it, and leaving ends that.
     */
    @Test
    void theHistoryFrameNeedsMembershipAndATokenThatAllowsTheRoom() throws Exception {
        int room = 3028;
        clients.published("bob", room, "members only");
        try (WsClient mallory = clients.json("mallory"); WsClient guest = clients.guest()) {
            assertError(history(mallory, "{\"type\":\"history\",\"room\":" + room + ",\"ref\":\"m\"}"),
                    "not_member", "m");
            assertError(history(guest, "{\"type\":\"history\",\"room\":" + room + ",\"ref\":\"g\"}"),
                    "not_member", "g");
            join(mallory, room);
            JsonObject page = history(mallory, "{\"type\":\"history\",\"room\":" + room + "}");
            assertThat(page.getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("members only");
            mallory.send("{\"type\":\"leave\",\"room\":" + room + "}");
            mallory.awaitJson(type("left"));
            assertError(history(mallory, "{\"type\":\"history\",\"room\":" + room + ",\"ref\":\"l\"}"),
                    "not_member", "l");
        }
        try (WsClient erin = WsClient.connect(server.ws("ws/auth"),
                Map.of("Authorization", "Bearer " + TestTokens.forRooms("erin", List.of(3023))))) {
            erin.awaitJson(type("welcome"));
            assertError(history(erin, "{\"type\":\"history\",\"room\":" + room + ",\"ref\":\"f\"}"),
                    "forbidden_room", "f");
        }
    }

    @Test
    void historyNeedsTheRightToEnterTheRoomAndAValidLimit() throws Exception {
        try (WsClient erin = WsClient.connect(server.ws("ws/auth"),
                Map.of("Authorization", "Bearer " + TestTokens.forRooms("erin", List.of(3023))))) {
            erin.awaitJson(type("welcome"));
            assertError(history(erin, "{\"type\":\"history\",\"room\":3024,\"ref\":\"f\"}"), "forbidden_room", "f");
            join(erin, 3023);
            assertThat(history(erin, "{\"type\":\"history\",\"room\":3023}").getString("type")).isEqualTo("history");
            for (String limit : List.of("0", "1001", "1.5", "\"5\"", "-1")) {
                assertError(history(erin, "{\"type\":\"history\",\"room\":3023,\"limit\":" + limit + ",\"ref\":\"l\"}"),
                        "invalid_message", "l");
            }
            assertThat(history(erin, "{\"type\":\"history\",\"room\":3023,\"limit\":1000}").getString("type"))
                    .isEqualTo("history");
        }
    }

    /**
     * PROTOCOL 13.4: guests are welcome on the WebSocket endpoints here ({@code roomcast.auth.anonymous}
     * is true), but HTTP history answers them only with {@code roomcast.history.anonymous}, off by default:
     * 401 as the publish API; a token whose rooms include the room reads it, one that excludes it is 403.
     */
    @Test
    void historyOverHttpNeedsATokenUnlessHistoryAnonymousIsOn() throws Exception {
        clients.published("bob", 3025, "public");
        HttpResponse<String> guest = server.get("api/rooms/3025/history");
        assertThat(guest.statusCode()).as(guest.body()).isEqualTo(401);
        assertThat(WsClient.parse(guest.body()).getString("error")).isEqualTo("missing_credentials");
        HttpResponse<String> excluded = server.get("api/rooms/3025/history",
                Map.of("Authorization", "Bearer " + TestTokens.forRooms("erin", List.of(3023))));
        assertThat(excluded.statusCode()).isEqualTo(403);
        assertThat(WsClient.parse(excluded.body()).getString("error")).isEqualTo("forbidden_room");
        HttpResponse<String> response = server.get("api/rooms/3025/history",
                Map.of("Authorization", "Bearer " + TestTokens.forRooms("erin", List.of(3025))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject page = WsClient.parse(response.body());
        assertThat(offsets(page)).containsExactly(1);
        assertThat(page.containsKey("type")).isFalse();
        assertThat(page.containsKey("ref")).isFalse();
    }

    @Test
    void theHistoryGaugesCountTheKeptBytesAndStreams() throws Exception {
        clients.published("bob", 3026, "counted");
        assertThat(server.metric("roomcast_history_bytes")).isPositive();
        assertThat(server.metric("roomcast_streams")).isPositive();
    }

    /**
     * A JSON member that stops reading is closed with 1013 (PROTOCOL 5) once its queue passes the
     * profile's 262,144 bytes (16 lines of 16 KB); it reconnects and rejoins with the last position it read. What it missed is at least the queue it overflowed, more than half the
     * queue a replay may fill (docs section 8), so the answer is {@code too_old} and the client pages
     * through history from the same position: every message exactly once, then live ones.
     */
    @Test
    void aSlowConsumerClosedWith1013RejoinsWithSinceAndGetsEveryMessageExactlyOnce() throws Exception {
        int room = 3027;
        String padding = "p".repeat(16_000);
        String token = TestTokens.valid("slow");
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + token));
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket slow = answer.socket(); WsClient publisher = clients.json("pub")) {
            JsonObject joined = join(publisher, room);
            String epoch = joined.getString("epoch");
            slow.readFrame(WsClient.WAIT); // welcome
            slow.sendText("{\"type\":\"join\",\"room\":" + room + "}");
            publisher.awaitJson(type("presence"));

            // Publish until the member that does not read is dropped (its presence leave comes in order).
            long lastPublished = 0;
            for (int i = 0; i < 20_000; i++) {
                send(publisher, room, i + " " + padding, null);
                JsonObject frame;
                boolean dropped = false;
                while (!"message".equals((frame = publisher.nextJson()).getString("type"))) {
                    dropped |= "presence".equals(frame.getString("type")) && "leave".equals(frame.getString("event"));
                }
                lastPublished = offset(frame);
                if (dropped) {
                    break;
                }
            }
            Rooms.awaitMembers(server, room, 1);

            long lastRead = 0;
            int closeCode = 0;
            try {
                for (RawWebSocket.Frame frame; (frame = slow.readFrame(Duration.ofSeconds(30))) != null; ) {
                    if (frame.opcode() == RawWebSocket.CLOSE) {
                        closeCode = frame.closeCode();
                        break;
                    }
                    if (frame.opcode() == RawWebSocket.TEXT && frame.text().startsWith("{\"type\":\"message\"")) {
                        long offset = offset(WsClient.parse(frame.text()));
                        assertThat(offset).as("in order, no gap").isEqualTo(lastRead == 0 ? offset : lastRead + 1);
                        lastRead = offset;
                    }
                }
            } catch (EOFException | SocketException e) {
                // the server could not always write its close frame behind the unread data
            }
            assertThat(closeCode).isIn(0, 1013);
            assertThat(lastRead).as("it read something, and missed something").isPositive().isLessThan(lastPublished);

            try (WsClient again = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + token))) {
                again.awaitJson(type("welcome"));
                JsonObject rejoined = joinSince(again, room, epoch, lastRead);
                assertThat(rejoined.getBoolean("recovered")).as(rejoined.toString()).isTrue();
                assertThat(rejoined.getInt("missed")).isEqualTo((int) (lastPublished - lastRead));
                // More than its queue holds: the replay is paced while another message is published live.
                send(publisher, room, "live", null);
                List<Long> received = new ArrayList<>();
                while (received.size() < lastPublished + 1 - lastRead) {
                    received.add(offset(again.awaitJson(type("message"))));
                }
                assertThat(received).as("the replay, then live: every message after since exactly once, in order")
                        .containsExactly(LongStream.rangeClosed(lastRead + 1, lastPublished + 1).boxed().toArray(Long[]::new));
                assertThat(again.framesBeforePong()).as("nothing twice").isEmpty();
            }
        }
    }

    /** Publishes with a ref and returns the offset its ack names. */
    private static long publishAcked(WsClient client, int room, String text, String ref) throws Exception {
        send(client, room, text, ref);
        return offset(client.awaitJson(f -> "ack".equals(f.getString("type", "")) && ref.equals(f.getString("ref", ""))));
    }

    private static void assertUnrecovered(JsonObject joined, String reason, long latest) {
        assertThat(joined.getBoolean("recovered")).as(joined.toString()).isFalse();
        assertThat(joined.getInt("missed")).isZero();
        assertThat(joined.getString("reason")).isEqualTo(reason);
        assertThat(offset(joined)).as("live messages follow from offset + 1").isEqualTo(latest);
    }
}
