package io.clipflow.celery;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipflow.testsupport.TaskBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CeleryMessageCodecTest {

    private static final String PROCESS_VIDEO = "celery/process_video-celery-5.2.6.json";
    private static final String NOOP_ETA_EXPIRES = "celery/noop-eta-expires-celery-5.2.6.json";
    private static final Instant NOW = Instant.parse("2026-11-22T15:37:28.606694Z");

    private final CeleryMessageCodec codec = new CeleryMessageCodec(Clock.fixed(NOW, ZoneOffset.UTC));
    private final ObjectMapper mapper = new ObjectMapper();

    private static String fixture(String path) throws IOException {
        try (InputStream in = CeleryMessageCodecTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private static String decodeBody(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {PROCESS_VIDEO, NOOP_ETA_EXPIRES})
    void reencodesCeleryClientMessageByteForByte(String path) throws IOException {
        String raw = fixture(path);

        assertThat(codec.encode(codec.decode(raw))).isEqualTo(raw);
    }

    @Test
    void readsEveryFieldOfACeleryClientMessage() throws IOException {
        CeleryMessage message = codec.decode(fixture(PROCESS_VIDEO));

        assertThat(message.taskId()).isEqualTo("283fd5a9-6272-4ba6-bccf-2f6753c1da00");
        assertThat(message.taskName()).isEqualTo("videos.tasks.process_video");
        assertThat(message.args()).containsExactly(42);
        assertThat(message.kwargs()).isEmpty();
        assertThat(message.embed())
                .containsOnlyKeys("callbacks", "errbacks", "chain", "chord")
                .allSatisfy((key, value) -> assertThat(value).isNull());
        assertThat(message.retries()).isZero();
        assertThat(message.eta()).isNull();
        assertThat(message.expires()).isNull();
        assertThat(message.timeLimitHard()).isNull();
        assertThat(message.timeLimitSoft()).isNull();
        assertThat(message.rootId()).isEqualTo(message.taskId());
        assertThat(message.parentId()).isNull();
        assertThat(message.group()).isNull();
        assertThat(message.groupIndex()).isNull();
        assertThat(message.shadow()).isNull();
        assertThat(message.priority()).isZero();
        assertThat(message.queue()).isEqualTo("video");
        assertThat(message.deliveryTag()).isEqualTo("12212b1a-bb71-4910-b4c7-eabd8d7df70c");
        assertThat(message.correlationId()).isEqualTo(message.taskId());
        assertThat(message.replyTo()).isEqualTo("7bdeaee3-eb69-390a-a924-89800ac70b50");
        assertThat(message.origin()).isEqualTo("gen7123@vm");
        assertThat(message.argsrepr()).isEqualTo("[42]");
        assertThat(message.kwargsrepr()).isEqualTo("{}");
        assertThat(message.ignoreResult()).isFalse();
        assertThat(message.redelivered()).isFalse();
    }

    @Test
    void readsTimeLimitsInTheOrderCeleryWritesThem() throws IOException {
        CeleryMessage message = codec.decode(fixture(NOOP_ETA_EXPIRES));

        assertThat(message.timeLimitHard()).isEqualTo(900.0);
        assertThat(message.timeLimitSoft()).isEqualTo(600.0);
        assertThat(message.eta()).isEqualTo(OffsetDateTime.parse("2026-11-22T15:37:38.606694+00:00"));
        assertThat(message.expires()).isEqualTo(OffsetDateTime.parse("2026-11-22T16:37:28.606694+00:00"));
        assertThat(message.priority()).isEqualTo(6);
        assertThat(message.args()).containsExactly("x");
        assertThat(message.kwargs()).containsExactly(Map.entry("k", 1));
        assertThat(message.property("expiration").textValue()).isEqualTo("3600000");
    }

    @Test
    void exposesArgumentsAsUnmodifiableJavaValues() throws IOException {
        CeleryMessage message = aTask("t")
                .withArgs(List.of(1, "a"), Map.of("n", 2.5))
                .on("celery")
                .build(codec);
        CeleryMessage decoded = codec.decode(codec.encode(message));

        assertThat(decoded.args()).containsExactly(List.of(1, "a"), Map.of("n", 2.5));
        assertThatThrownBy(() -> decoded.args().add(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoded.kwargs().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void preservesUnknownHeadersPropertiesAndEnvelopeKeysThroughWithers() throws Exception {
        var envelope = (ObjectNode) mapper.readTree(fixture(PROCESS_VIDEO));
        var headers = (ObjectNode) envelope.get("headers");
        headers.put("replaced_task_nesting", 0);
        headers.putArray("stamped_headers").add("on_signature");
        headers.putObject("stamps").put("on_signature", "x");
        headers.put("x-custom", "kept");
        ((ObjectNode) envelope.get("properties")).put("x-prop", 7);
        envelope.put("x-envelope", true);
        String raw = PythonJson.dumps(envelope);

        CeleryMessage changed =
                codec.decode(raw).withRetries(3).withQueue("video-retry").withNewDeliveryTag();
        String encoded = codec.encode(changed);

        assertThat(encoded)
                .contains("\"ignore_result\": false, \"replaced_task_nesting\": 0, "
                        + "\"stamped_headers\": [\"on_signature\"], \"stamps\": {\"on_signature\": \"x\"}, "
                        + "\"x-custom\": \"kept\"}");
        assertThat(encoded).contains("\"delivery_tag\": \"" + changed.deliveryTag() + "\", \"x-prop\": 7}");
        assertThat(encoded).endsWith(", \"x-envelope\": true}");
        assertThat(encoded).contains("\"retries\": 3,", "\"routing_key\": \"video-retry\"}");
        assertThat(changed.deliveryTag()).isNotEqualTo("12212b1a-bb71-4910-b4c7-eabd8d7df70c");
        assertThat(codec.decode(encoded).header("stamps").path("on_signature").asText())
                .isEqualTo("x");
    }

    @Test
    void withersLeaveTheOriginalUntouched() throws IOException {
        CeleryMessage original = codec.decode(fixture(PROCESS_VIDEO));
        var eta = OffsetDateTime.of(2026, 11, 22, 16, 0, 0, 123_456_000, ZoneOffset.ofHours(2));

        CeleryMessage changed = original.withRetries(2).withEta(eta).withQueue("other");

        assertThat(original.retries()).isZero();
        assertThat(original.eta()).isNull();
        assertThat(original.queue()).isEqualTo("video");
        assertThat(changed.retries()).isEqualTo(2);
        assertThat(changed.eta()).isEqualTo(eta.withOffsetSameInstant(ZoneOffset.UTC));
        assertThat(changed.header("eta").textValue()).isEqualTo("2026-11-22T14:00:00.123456+00:00");
        assertThat(changed.withEta(null).eta()).isNull();
        assertThat(changed).isNotEqualTo(original);
        assertThat(original.withRetries(0)).isEqualTo(original);
    }

    @Test
    void marksAndUnmarksRedeliveryLikeKombuRestore() throws IOException {
        String raw = fixture(PROCESS_VIDEO);
        CeleryMessage redelivered = codec.decode(raw).withRedelivered(true);
        String encoded = codec.encode(redelivered);

        assertThat(redelivered.redelivered()).isTrue();
        assertThat(encoded).contains("\"ignore_result\": false, \"redelivered\": true}");
        assertThat(encoded).contains("{\"exchange\": \"\", \"routing_key\": \"video\", \"redelivered\": true}");
        assertThat(codec.encode(codec.decode(encoded).withRedelivered(false))).isEqualTo(raw);
    }

    @Test
    void seesRedeliveryFlaggedOnlyInDeliveryInfo() throws IOException {
        String raw = fixture(PROCESS_VIDEO)
                .replace("\"routing_key\": \"video\"}", "\"routing_key\": \"video\", \"redelivered\": true}");

        assertThat(codec.decode(raw).redelivered()).isTrue();
    }

    @Test
    void acceptsARawJsonBodyWithoutBodyEncoding() throws IOException {
        String raw = fixture(PROCESS_VIDEO)
                .replace("\"body_encoding\": \"base64\", ", "")
                .replaceFirst(
                        "\"body\": \"[^\"]+\"",
                        "\"body\": \"[[7], {\\\\\"a\\\\\": \\\\\"\\\\\\\\u00e9\\\\\"}, null]\"");

        CeleryMessage message = codec.decode(raw);

        assertThat(message.args()).containsExactly(7);
        assertThat(message.kwargs()).containsExactly(Map.entry("a", "é"));
        assertThat(message.embed()).isEmpty();
        assertThat(codec.encode(message)).isEqualTo(raw);
    }

    @Test
    void refusesPickleWithReadableReason() throws IOException {
        String raw = fixture(PROCESS_VIDEO).replace("application/json", "application/x-python-serialize");

        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessage("refused content type application/x-python-serialize: only JSON messages are executed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-yaml", "application/x-msgpack", "text/plain"})
    void refusesOtherSerializersByName(String contentType) throws IOException {
        String raw = fixture(PROCESS_VIDEO).replace("application/json", contentType);

        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessage("refused content type " + contentType + ": only JSON messages are executed");
    }

    @Test
    void refusesCompressedMessages() throws IOException {
        String raw = fixture(PROCESS_VIDEO)
                .replace("\"lang\": \"py\"", "\"lang\": \"py\", \"compression\": \"application/x-gzip\"");

        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessageStartingWith("refused compressed message (application/x-gzip)");
    }

    @Test
    void refusesProtocolV1Messages() {
        String v1Body = Base64.getEncoder()
                .encodeToString("{\"task\": \"tasks.add\", \"id\": \"1\", \"args\": [1, 2], \"kwargs\": {}}"
                        .getBytes(StandardCharsets.UTF_8));
        String raw = "{\"body\": \"" + v1Body + "\", \"content-encoding\": \"utf-8\", \"content-type\": "
                + "\"application/json\", \"headers\": {}, \"properties\": {\"body_encoding\": \"base64\"}}";

        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessageStartingWith("refused protocol v1 message (task tasks.add): only Celery protocol v2");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json at all|not JSON: ",
                "{\"body\": \"x\"} trailing|not JSON: ",
                "[1, 2]|not a kombu envelope: expected a JSON object, got array",
                "{\"headers\": {}}|not a kombu envelope: no body",
                "{\"body\": \"W10=\", \"headers\": {}}|refused message without content-type",
            })
    void refusesValuesThatAreNotEnvelopes(String raw, String reason) {
        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessageStartingWith(reason);
    }

    @Test
    void refusesEmptyMessages() {
        assertThatThrownBy(() -> codec.decode(""))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessage("empty message");
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(CeleryDecodeException.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"task\": \"videos.tasks.process_video\", |not a Celery task message: headers.task is missing",
                "\"id\": \"283fd5a9-6272-4ba6-bccf-2f6753c1da00\", |not a Celery task message: headers.id is missing",
                "\"retries\": 0|\"retries\": \"0\"",
                "\"eta\": null|\"eta\": \"tomorrow\"",
                "\"timelimit\": [null, null]|\"timelimit\": [1]",
            })
    void refusesMalformedHeaders(String find, String replacementOrReason) throws IOException {
        String raw = fixture(PROCESS_VIDEO);
        boolean removal = replacementOrReason.startsWith("not a");
        String broken = raw.replace(find, removal ? "" : replacementOrReason);

        assertThat(broken).isNotEqualTo(raw);
        assertThatThrownBy(() -> codec.decode(broken))
                .isInstanceOf(CeleryDecodeException.class)
                .satisfies(e -> {
                    if (removal) {
                        assertThat(e).hasMessage(replacementOrReason);
                    } else {
                        assertThat(e.getMessage()).startsWith("headers.");
                    }
                });
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"a\": 1}|body is not [args, kwargs, embed]: got object",
                "[[], {}]|body is not [args, kwargs, embed]: got a list of 2",
                "[{}, {}, null]|body args must be a list, got object",
                "[[], [], null]|body kwargs must be an object, got array",
                "[[], {}, 3]|body embed must be an object or null, got number",
                "[[], {|body is not JSON: ",
            })
    void refusesBodiesThatAreNotArgsKwargsEmbed(String body, String reason) throws IOException {
        String encoded = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
        String raw = fixture(PROCESS_VIDEO).replaceFirst("\"body\": \"[^\"]+\"", "\"body\": \"" + encoded + "\"");

        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessageStartingWith(reason);
    }

    @Test
    void refusesUnsupportedBodyEncodings() throws IOException {
        String raw = fixture(PROCESS_VIDEO).replace("\"body_encoding\": \"base64\"", "\"body_encoding\": \"zlib\"");

        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessageStartingWith("unsupported body_encoding \"zlib\"");
    }

    @Test
    void refusesInvalidBase64() throws IOException {
        String raw = fixture(PROCESS_VIDEO).replaceFirst("\"body\": \"[^\"]+\"", "\"body\": \"W1s0Ml0=x\"");

        assertThatThrownBy(() -> codec.decode(raw))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessageStartingWith("body is not valid base64");
    }

    @Test
    void buildsTaskExactlyLikeCelerySendTask() {
        CeleryMessage message = aTask("videos.tasks.process_video")
                .withArgs(42)
                .on("video")
                .withId("283fd5a9-6272-4ba6-bccf-2f6753c1da00")
                .build(codec);
        String expected =
                "{\"body\": \"W1s0Ml0sIHt9LCB7ImNhbGxiYWNrcyI6IG51bGwsICJlcnJiYWNrcyI6IG51bGwsICJjaGFpbiI6IG51bGwsICJjaG9yZCI6IG51bGx9XQ==\", "
                        + "\"content-encoding\": \"utf-8\", \"content-type\": \"application/json\", \"headers\": {\"lang\": \"py\", "
                        + "\"task\": \"videos.tasks.process_video\", \"id\": \"283fd5a9-6272-4ba6-bccf-2f6753c1da00\", "
                        + "\"shadow\": null, \"eta\": null, \"expires\": null, \"group\": null, \"group_index\": null, "
                        + "\"retries\": 0, \"timelimit\": [null, null], \"root_id\": \"283fd5a9-6272-4ba6-bccf-2f6753c1da00\", "
                        + "\"parent_id\": null, \"argsrepr\": \"[42]\", \"kwargsrepr\": \"{}\", \"origin\": \"ORIGIN\", "
                        + "\"ignore_result\": false}, \"properties\": {\"correlation_id\": \"283fd5a9-6272-4ba6-bccf-2f6753c1da00\", "
                        + "\"reply_to\": \"REPLY_TO\", \"delivery_mode\": 2, \"delivery_info\": {\"exchange\": \"\", "
                        + "\"routing_key\": \"video\"}, \"priority\": 0, \"body_encoding\": \"base64\", \"delivery_tag\": \"TAG\"}}";

        assertThat(codec.encode(message))
                .isEqualTo(expected.replace("ORIGIN", message.origin())
                        .replace("REPLY_TO", message.replyTo())
                        .replace("TAG", message.deliveryTag()));
        assertThat(message.origin()).matches("gen" + ProcessHandle.current().pid() + "@.+");
        assertThat(UUID.fromString(message.deliveryTag()).version()).isEqualTo(4);
        assertThat(UUID.fromString(message.replyTo())).isNotNull();
    }

    @Test
    void buildsEtaExpiresAndPriorityLikeCelery() throws IOException {
        CeleryMessage message = aTask("clipflow.noop")
                .withArgs("x")
                .withKwarg("k", 1)
                .on("celery")
                .withId("17757313-32fe-4e44-8194-f0a9ffe5ec47")
                .withCountdown(Duration.ofSeconds(10))
                .withExpires(OffsetDateTime.ofInstant(NOW.plusSeconds(3600), ZoneOffset.UTC))
                .withPriority(6)
                .withTimeLimits(900.0, 600.0)
                .build(codec);
        String celery = fixture(NOOP_ETA_EXPIRES);

        assertThat(codec.encode(message))
                .isEqualTo(celery.replace("gen7123@vm", message.origin())
                        .replace("7bdeaee3-eb69-390a-a924-89800ac70b50", message.replyTo())
                        .replace("26dda77a-721c-4af9-8918-6a343b3c0e3e", message.deliveryTag()));
    }

    @Test
    void countdownWinsOverEtaAndRootIdDefaultsToTaskId() {
        CeleryMessage message = aTask("t")
                .on("celery")
                .withEta(OffsetDateTime.parse("2030-01-01T00:00:00Z"))
                .withCountdown(Duration.ofMinutes(5))
                .build(codec);

        assertThat(message.eta()).isEqualTo(OffsetDateTime.ofInstant(NOW.plusSeconds(300), ZoneOffset.UTC));
        assertThat(message.rootId()).isEqualTo(message.taskId());
        assertThat(UUID.fromString(message.taskId()).version()).isEqualTo(4);
        assertThat(message.argsrepr()).isEqualTo("()");
        assertThat(message.kwargsrepr()).isEqualTo("{}");
        assertThat(message.args()).isEmpty();
    }

    @Test
    void carriesWorkflowIdsAndClampsPastExpiryToZero() {
        CeleryMessage message = aTask("t")
                .on("celery")
                .withParent("parent-1", "root-1")
                .inGroup("group-1")
                .withExpires(OffsetDateTime.ofInstant(NOW.minusSeconds(5), ZoneOffset.UTC))
                .withTimeLimits(null, 1.5)
                .build(codec);

        assertThat(message.parentId()).isEqualTo("parent-1");
        assertThat(message.rootId()).isEqualTo("root-1");
        assertThat(message.group()).isEqualTo("group-1");
        assertThat(message.property("expiration").textValue()).isEqualTo("0");
        assertThat(message.timeLimitHard()).isNull();
        assertThat(message.timeLimitSoft()).isEqualTo(1.5);
        assertThat(codec.encode(message)).contains("\"timelimit\": [null, 1.5]");
    }

    @Test
    void encodesNonAsciiArgumentsLikePython() {
        CeleryMessage message =
                aTask("t").withArgs("café ☕", 1.0, true).on("celery").build(codec);

        String body = decodeBody(message.envelope().get("body").textValue());

        assertThat(body)
                .isEqualTo("[[\"caf\\u00e9 \\u2615\", 1.0, true], {}, "
                        + "{\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]");
        assertThat(message.argsrepr()).isEqualTo("['café ☕', 1.0, True]");
        assertThat(codec.decode(codec.encode(message))).isEqualTo(message);
    }

    @Test
    void refusesArgumentsThatAreNotJson() {
        TaskBuilder task = aTask("t").withArgs(new Object()).on("celery");

        assertThatThrownBy(() -> task.build(codec)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "0,celery",
        "1,celery",
        "2,celery",
        "3,celery|3",
        "5,celery|3",
        "6,celery|6",
        "8,celery|6",
        "9,celery|9",
        "12,celery|9",
        "-1,celery"
    })
    void namesKombuPrioritySubLists(int priority, String expected) {
        assertThat(Kombu.priorityQueue("celery", priority)).isEqualTo(expected.replace("|", "\u0006\u0016"));
    }

    @Test
    void namesKombuBindingMember() {
        assertThat(Kombu.bindingMember("celery")).isEqualTo("celery\u0006\u0016\u0006\u0016celery");
    }
}
