package io.clipflow.celery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kombu's pidbox on Redis, against what Celery 5.2.6 / kombu 5.2.4 wrote (captured with {@code redis-cli monitor}
 * while {@code celery inspect ping} asked a Python worker): the request's fields, and our reply byte for byte.
 */
class PidboxCodecTest {

    private final PidboxCodec codec = new PidboxCodec();

    static String resource(String path) {
        try (InputStream in = PidboxCodecTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsTheRequestCeleryInspectPingBroadcasts() {
        PidboxRequest ping = codec.decode(resource("celery/pidbox-ping-request-celery-5.2.6.json"));
        assertThat(ping.method()).isEqualTo("ping");
        assertThat(ping.arguments().isEmpty()).isTrue();
        assertThat(ping.destination()).isNull();
        assertThat(ping.ticket()).isEqualTo("bfa7ab82-e2b8-4a65-b543-e18b0f4c3a7c");
        assertThat(ping.replyExchange()).isEqualTo("reply.celery.pidbox");
        assertThat(ping.replyRoutingKey()).isEqualTo("f0da25c1-a6e4-37be-8ee0-cfff416b7a8b");
        assertThat(ping.clock()).isEqualTo(1);
        assertThat(ping.wantsReply()).isTrue();
        assertThat(ping.addressedTo("celery@anyone")).isTrue();
    }

    @Test
    void writesTheReplyAsAPythonWorkerDoesByteForByte() {
        PidboxRequest ping = codec.decode(resource("celery/pidbox-ping-request-celery-5.2.6.json"));
        String reply =
                codec.encodeReply("py@probe", PidboxCodec.ok("pong"), ping, 3, "d6dc6c88-e75e-4cac-9fa6-b5bcb8d56a1d");
        assertThat(reply).isEqualTo(resource("celery/pidbox-ping-reply-celery-5.2.6.json"));
    }

    @Test
    void aDestinationOrAPatternNamesWhoActs() {
        PidboxRequest toOne = request(List.of("celery@a"), null, null);
        assertThat(toOne.addressedTo("celery@a")).isTrue();
        assertThat(toOne.addressedTo("celery@b")).isFalse();
        PidboxRequest glob = request(null, "celery@w[0-9]*", "glob");
        assertThat(glob.addressedTo("celery@w1-8080")).isTrue();
        assertThat(glob.addressedTo("py@w1")).isFalse();
        PidboxRequest pcre = request(null, "celery@w\\d", "pcre");
        assertThat(pcre.addressedTo("celery@w7.local")).isTrue();
        assertThat(pcre.addressedTo("x-celery@w7")).isFalse();
        assertThat(request(null, "*", "nonesuch").addressedTo("celery@a")).isFalse();
        assertThat(request(List.of(), null, null).addressedTo("celery@a")).isTrue();
    }

    @Test
    void refusesWhatTheMailboxWouldNotAccept() {
        assertThatThrownBy(() -> codec.decode("not json")).isInstanceOf(CeleryDecodeException.class);
        String pickle = resource("celery/pidbox-ping-request-celery-5.2.6.json")
                .replace("application/json", "application/x-python-serialize");
        assertThatThrownBy(() -> codec.decode(pickle)).hasMessageContaining("accepts only JSON");
        String noMethod = "{\"body\": \"" + Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8))
                + "\", \"content-type\": \"application/json\", \"properties\": {\"body_encoding\": \"base64\"}}";
        assertThatThrownBy(() -> codec.decode(noMethod)).hasMessageContaining("no method");
    }

    @Test
    void errorsReadAsPythonReprs() {
        assertThat(PidboxCodec.raised("KeyError", "no_such_command")
                        .path("error")
                        .asText())
                .isEqualTo("KeyError('no_such_command')");
        assertThat(PidboxCodec.pythonStr("it's")).isEqualTo("\"it's\"");
        assertThat(PidboxCodec.pythonStr("a'b\"c")).isEqualTo("'a\\'b\"c'");
        assertThat(PidboxCodec.raised("ValueError", null).path("error").asText())
                .isEqualTo("ValueError()");
    }

    @Test
    void requestInfoHasTheKeysOfCeleryRequestInfo() throws IOException {
        CeleryMessage m = new CeleryMessageCodec().decode(resource("celery/noop-eta-expires-celery-5.2.6.json"));
        JsonNode info = PidboxCodec.requestInfo(m, "celery@n", 1.5, false, 42L, false);
        assertThat(info.fieldNames())
                .toIterable()
                .containsExactly(
                        "id",
                        "name",
                        "args",
                        "kwargs",
                        "type",
                        "hostname",
                        "time_start",
                        "acknowledged",
                        "delivery_info",
                        "worker_pid");
        assertThat(PythonJson.dumps(info.path("delivery_info")))
                .isEqualTo(
                        "{\"exchange\": \"\", \"routing_key\": \"celery\", \"priority\": 6, \"redelivered\": false}");
        assertThat(info.path("args")).isEqualTo(new ObjectMapper().readTree("[\"x\"]"));
        JsonNode safe = PidboxCodec.requestInfo(m, "celery@n", null, false, null, true);
        assertThat(safe.path("args").asText()).isEqualTo("['x']");
        assertThat(safe.path("kwargs").asText()).isEqualTo("{'k': 1}");
        assertThat(safe.path("time_start").isNull()).isTrue();
    }

    @Test
    void activeQueuesEntriesAreKombuQueueAsDict() {
        // the keys and values a Python worker answered for its celery queue (kombu 5.2.4 Queue.as_dict(recurse=True))
        assertThat(PythonJson.dumps(PidboxCodec.queueInfo("celery")))
                .isEqualTo("{\"name\": \"celery\", \"exchange\": {\"name\": \"celery\", \"type\": \"direct\","
                        + " \"arguments\": null, \"durable\": true, \"passive\": false, \"auto_delete\": false,"
                        + " \"delivery_mode\": null, \"no_declare\": false}, \"routing_key\": \"celery\","
                        + " \"queue_arguments\": null, \"binding_arguments\": null, \"consumer_arguments\": null,"
                        + " \"durable\": true, \"exclusive\": false, \"auto_delete\": false, \"no_ack\": false,"
                        + " \"alias\": null, \"bindings\": [], \"no_declare\": null, \"expires\": null,"
                        + " \"message_ttl\": null, \"max_length\": null, \"max_length_bytes\": null,"
                        + " \"max_priority\": null}");
    }

    @Test
    void namesAreKombusOnTheRedisTransport() {
        assertThat(Kombu.fanoutChannel(9, PidboxCodec.EXCHANGE, "")).isEqualTo("/9.celery.pidbox");
        assertThat(Kombu.fanoutChannel(0, CeleryEventCodec.EXCHANGE, "task.multi"))
                .isEqualTo("/0.celeryev/task.multi");
        assertThat(Kombu.bindingMember("", PidboxCodec.queueName("celery@n")))
                .isEqualTo("\u0006\u0016\u0006\u0016celery@n.celery.pidbox");
    }

    private static PidboxRequest request(List<String> destination, String pattern, String matcher) {
        return new PidboxRequest(
                "ping", JsonNodeFactory.instance.objectNode(), destination, pattern, matcher, "t", "x", "y", 0);
    }
}
