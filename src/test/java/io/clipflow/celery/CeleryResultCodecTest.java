package io.clipflow.celery;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CeleryResultCodecTest {

    private static final OffsetDateTime DONE = OffsetDateTime.of(2022, 3, 26, 19, 13, 53, 395_702_000, ZoneOffset.UTC);
    private static final String PYTHON_SUCCESS = "{\"status\": \"SUCCESS\", \"result\": {\"video_id\": 42, "
            + "\"status\": \"READY\"}, \"traceback\": null, \"children\": null, "
            + "\"date_done\": \"2026-11-22T15:37:21.339535\", \"task_id\": \"ed200b7c-1e0f-4c43-9d5b-0c3cb0e0b2a1\"}";

    private final CeleryResultCodec codec = new CeleryResultCodec();

    private static String fixture(String path) throws IOException {
        try (InputStream in = CeleryResultCodecTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void encodesSuccessLikeCelerysRedisBackend() {
        CeleryResult result = CeleryResult.success("32fb09c1-0317-538e-9a06-9c6f3ceabe18", Map.of("field1", "text"))
                .withDateDone(DONE);

        assertThat(codec.encode(result))
                .isEqualTo("{\"status\": \"SUCCESS\", \"result\": {\"field1\": \"text\"}, "
                        + "\"traceback\": null, \"children\": [], \"date_done\": \"2022-03-26T19:13:53.395702+00:00\", "
                        + "\"task_id\": \"32fb09c1-0317-538e-9a06-9c6f3ceabe18\"}");
    }

    @Test
    void stampsReadyStatesWithAnAwareUtcDateDone() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);

        CeleryResult result = CeleryResult.success("id", 1);

        assertThat(result.dateDone()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        assertThat(result.dateDoneTime()).isAfterOrEqualTo(before);
        assertThat(CeleryResult.started("id", 7, "clipflow@host").dateDone()).isNull();
        assertThat(CeleryResult.progress("id", Map.of("percent", 50)).dateDone())
                .isNull();
        assertThat(CeleryResult.retry("id", "IOError", "x", "builtins", "tb").dateDone())
                .isNull();
        assertThat(CeleryResult.failure("id", "ValueError", "x", "builtins", "tb")
                        .dateDone())
                .isNotNull();
        assertThat(CeleryResult.revoked("id", null).dateDone()).isNotNull();
    }

    @Test
    void encodesFailureAsCelerysJsonException() {
        CeleryResult result = CeleryResult.failure(
                        "f-1", "ValueError", "not a video: moov atom not found", "builtins", "Traceback ...")
                .withDateDone(DONE);

        assertThat(codec.encode(result))
                .isEqualTo("{\"status\": \"FAILURE\", \"result\": {\"exc_type\": \"ValueError\", "
                        + "\"exc_message\": [\"not a video: moov atom not found\"], \"exc_module\": \"builtins\"}, "
                        + "\"traceback\": \"Traceback ...\", \"children\": [], "
                        + "\"date_done\": \"2022-03-26T19:13:53.395702+00:00\", \"task_id\": \"f-1\"}");
    }

    @Test
    void encodesRevokedAsTaskRevokedError() {
        CeleryResult result = CeleryResult.revoked("r-1", "terminated").withDateDone(DONE);

        assertThat(codec.encode(result))
                .isEqualTo("{\"status\": \"REVOKED\", \"result\": {\"exc_type\": "
                        + "\"TaskRevokedError\", \"exc_message\": [\"terminated\"], \"exc_module\": \"celery.exceptions\"}, "
                        + "\"traceback\": null, \"children\": [], \"date_done\": \"2022-03-26T19:13:53.395702+00:00\", "
                        + "\"task_id\": \"r-1\"}");
        assertThat(CeleryResult.revoked("r-2", null).excMessage()).isEqualTo("revoked");
    }

    @Test
    void encodesStartedAndProgressMeta() {
        assertThat(codec.encode(CeleryResult.started("s-1", 4242, "celery@vm")))
                .isEqualTo("{\"status\": \"STARTED\", "
                        + "\"result\": {\"pid\": 4242, \"hostname\": \"celery@vm\"}, \"traceback\": null, \"children\": [], "
                        + "\"date_done\": null, \"task_id\": \"s-1\"}");
        assertThat(codec.encode(CeleryResult.progress("p-1", ordered("stage", "transcode", "percent", 37.5))))
                .isEqualTo("{\"status\": \"PROGRESS\", \"result\": {\"stage\": \"transcode\", \"percent\": 37.5}, "
                        + "\"traceback\": null, \"children\": [], \"date_done\": null, \"task_id\": \"p-1\"}");
        assertThat(codec.encode(CeleryResult.started("s-2", ordered("pid", 1, "hostname", "h"))))
                .contains("\"result\": {\"pid\": 1, \"hostname\": \"h\"}");
    }

    @Test
    void writesGroupParentAndExtendedFieldsInCelerysOrderWithTaskIdLast() {
        CeleryResult result = CeleryResult.success("t-1", List.of(1, "two"))
                .withDateDone(DONE)
                .withGroupId("g-1")
                .withParentId("p-1")
                .withExtended("videos.tasks.process_video", List.of(42), Map.of(), "clipflow@vm", 1, "video");

        assertThat(codec.encode(result))
                .isEqualTo("{\"status\": \"SUCCESS\", \"result\": [1, \"two\"], "
                        + "\"traceback\": null, \"children\": [], \"date_done\": \"2022-03-26T19:13:53.395702+00:00\", "
                        + "\"group_id\": \"g-1\", \"parent_id\": \"p-1\", \"name\": \"videos.tasks.process_video\", "
                        + "\"args\": [42], \"kwargs\": {}, \"worker\": \"clipflow@vm\", \"retries\": 1, \"queue\": \"video\", "
                        + "\"task_id\": \"t-1\"}");
    }

    @Test
    void takesRequestFieldsFromTheMessageThatRan() {
        CeleryMessage message = aTask("videos.tasks.process_video")
                .withArgs(42)
                .on("video")
                .withParent("parent", "root")
                .inGroup("group")
                .withRetries(2)
                .message();

        CeleryResult result = CeleryResult.success(message.taskId(), null).forRequest(message, "clipflow@vm");

        assertThat(result.groupId()).isEqualTo("group");
        assertThat(result.parentId()).isEqualTo("parent");
        assertThat(result.extended().name()).isEqualTo("videos.tasks.process_video");
        assertThat(result.extended().args().toString()).isEqualTo("[42]");
        assertThat(result.extended().retries()).isEqualTo(2);
        assertThat(result.extended().queue()).isEqualTo("video");
        assertThat(result.extended().worker()).isEqualTo("clipflow@vm");
        assertThat(codec.encode(result)).contains("\"result\": null,");
    }

    @Test
    void readsFailureWrittenByPythonCelery() throws IOException {
        CeleryResult result = codec.decode(fixture("celery/result-failure-celery-5.2.6.json"));

        assertThat(result.status()).isEqualTo(CeleryResult.FAILURE);
        assertThat(result.taskId()).isEqualTo("f-1");
        assertThat(result.isException()).isTrue();
        assertThat(result.excType()).isEqualTo("ValueError");
        assertThat(result.excMessage()).isEqualTo("not a video: moov atom not found");
        assertThat(result.excModule()).isEqualTo("builtins");
        assertThat(result.traceback()).isEqualTo("Traceback ...");
        assertThat(result.dateDone()).isEqualTo("2026-11-22T15:37:28.607888");
        assertThat(result.dateDoneTime())
                .isEqualTo(OffsetDateTime.of(2026, 11, 22, 15, 37, 28, 607_888_000, ZoneOffset.UTC));
        assertThat(result.children().isNull()).isTrue();
        assertThat(result.ready()).isTrue();
    }

    @Test
    void readsSuccessWrittenByPythonCelery() {
        CeleryResult result = codec.decode(PYTHON_SUCCESS);

        assertThat(result.status()).isEqualTo(CeleryResult.SUCCESS);
        assertThat(result.result().path("video_id").intValue()).isEqualTo(42);
        assertThat(result.result().path("status").textValue()).isEqualTo("READY");
        assertThat(result.traceback()).isNull();
        assertThat(result.isException()).isFalse();
        assertThat(result.excType()).isNull();
        assertThat(result.extended()).isNull();
        assertThat(result.taskId()).isEqualTo("ed200b7c-1e0f-4c43-9d5b-0c3cb0e0b2a1");
    }

    @Test
    void reencodesPythonValuesByteForByte() throws IOException {
        String failure = fixture("celery/result-failure-celery-5.2.6.json");

        assertThat(codec.encode(codec.decode(failure))).isEqualTo(failure);
        assertThat(codec.encode(codec.decode(PYTHON_SUCCESS))).isEqualTo(PYTHON_SUCCESS);
    }

    @Test
    void reencodesExtendedResultWrittenByCeleryWorkerByteForByte() {
        // Stored by a Celery 5.2.6 worker (result_extended=True) for a task Clipflow had sent with parent and group.
        String stored = "{\"status\": \"SUCCESS\", \"result\": {\"who\": \"child\", \"root_id\": \"r-1\"}, "
                + "\"traceback\": null, \"children\": [], \"date_done\": \"2026-11-22T15:47:40.158589\", "
                + "\"group_id\": \"g-1\", \"parent_id\": \"p-1\", \"name\": \"interop.echo\", \"args\": [], "
                + "\"kwargs\": {\"who\": \"child\"}, \"worker\": \"interop@vm\", \"retries\": 0, \"queue\": \"celery\", "
                + "\"task_id\": \"interop-task-4\"}";

        CeleryResult result = codec.decode(stored);

        assertThat(result.groupId()).isEqualTo("g-1");
        assertThat(result.parentId()).isEqualTo("p-1");
        assertThat(result.extended())
                .isEqualTo(new CeleryResult.Extended(
                        "interop.echo",
                        result.extended().args(),
                        result.extended().kwargs(),
                        "interop@vm",
                        0,
                        "celery"));
        assertThat(result.extended().kwargs().path("who").textValue()).isEqualTo("child");
        assertThat(codec.encode(result)).isEqualTo(stored);
    }

    @Test
    void roundTripsExtendedFields() {
        CeleryResult result = CeleryResult.failure("t", "RuntimeError", "boom", "builtins", "tb")
                .withDateDone(DONE)
                .withExtended("n", List.of(), Map.of("a", 1), "w", 0, "q");

        assertThat(codec.decode(codec.encode(result))).isEqualTo(result);
    }

    @Test
    void joinsSeveralExceptionArguments() {
        CeleryResult result = codec.decode("{\"status\": \"FAILURE\", \"result\": {\"exc_type\": \"OSError\", "
                + "\"exc_message\": [2, \"No such file\"], \"exc_module\": \"builtins\"}, \"task_id\": \"x\"}");

        assertThat(result.excMessage()).isEqualTo("2, No such file");
        assertThat(result.traceback()).isNull();
        assertThat(result.dateDone()).isNull();
    }

    @Test
    void keepsTheRecordImmutable() {
        CeleryResult result = CeleryResult.progress("p", Map.of("percent", 1));

        ((ObjectNode) result.result()).put("percent", 99);

        assertThat(result.result().path("percent").intValue()).isEqualTo(1);
    }

    @Test
    void refusesValuesThatAreNotResultMeta() {
        assertThatThrownBy(() -> codec.decode("nope"))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessageStartingWith("result is not JSON");
        assertThatThrownBy(() -> codec.decode("[1]"))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessage("result is not a JSON object");
        assertThatThrownBy(() -> codec.decode("{\"result\": 1}"))
                .isInstanceOf(CeleryDecodeException.class)
                .hasMessage("result has no status");
    }

    @Test
    void namesTheRedisKey() {
        assertThat(CeleryResultCodec.key("abc")).isEqualTo("celery-task-meta-abc");
    }
}
