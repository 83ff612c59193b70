package io.clipflow.celery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Celery's events as its worker writes them, against what Celery 5.2.6 sent on {@code celeryev} (captured from a
 * Python worker with {@code -E}): key order, field names, the envelope, byte for byte where the values match.
 */
class CeleryEventCodecTest {

    private final CeleryEventCodec py = new CeleryEventCodec("py@probe", 26998);

    @Test
    void aHeartbeatIsWhatAPythonWorkerSendsByteForByte() {
        var fields =
                CeleryEventCodec.worker(2.0, 0, 0, new double[] {5.105, 4.3455, 3.0844}, "py-celery", "5.2.6", "Linux");
        var event = py.event("worker-heartbeat", 10, 1796418848.6214595, 0, fields);
        String envelope = py.envelope(event, "worker.heartbeat", "061f8675-0a4e-45c7-bddb-0aaf40ea10d8");
        assertThat(envelope).isEqualTo(PidboxCodecTest.resource("celery/worker-heartbeat-celery-5.2.6.json"));
    }

    @Test
    void taskReceivedAndSentCarryTheFieldsOfCeleryInItsOrder() {
        CeleryMessage m =
                new CeleryMessageCodec().decode(PidboxCodecTest.resource("celery/noop-eta-expires-celery-5.2.6.json"));
        CeleryEventCodec node = new CeleryEventCodec("celery@n", 42);
        assertThat(PythonJson.dumps(
                        node.event("task-received", 7, 1796418938.1378927, 0, CeleryEventCodec.taskReceived(m))))
                .isEqualTo("{\"hostname\": \"celery@n\", \"utcoffset\": 0, \"pid\": 42, \"clock\": 7,"
                        + " \"uuid\": \"17757313-32fe-4e44-8194-f0a9ffe5ec47\", \"name\": \"clipflow.noop\","
                        + " \"args\": \"['x']\", \"kwargs\": \"{'k': 1}\","
                        + " \"root_id\": \"17757313-32fe-4e44-8194-f0a9ffe5ec47\", \"parent_id\": null,"
                        + " \"retries\": 0, \"eta\": \"2026-11-22T15:37:38.606694+00:00\","
                        + " \"expires\": \"2026-11-22T16:37:28.606694+00:00\", \"timestamp\": 1796418938.1378927,"
                        + " \"type\": \"task-received\"}");
        assertThat(CeleryEventCodec.taskSent(m).fieldNames())
                .toIterable()
                .containsExactly(
                        "uuid",
                        "root_id",
                        "parent_id",
                        "name",
                        "args",
                        "kwargs",
                        "retries",
                        "eta",
                        "expires",
                        "queue",
                        "exchange",
                        "routing_key");
    }

    @Test
    void endingsCarryCeleryReprsAndFields() {
        var nodes = JsonNodeFactory.instance;
        assertThat(PythonJson.dumps(CeleryEventCodec.taskSucceeded("id", nodes.numberNode(5), 0.5)))
                .isEqualTo("{\"uuid\": \"id\", \"result\": \"5\", \"runtime\": 0.5}");
        assertThat(CeleryEventCodec.taskSucceeded("id", nodes.textNode("pong"), 0.5)
                        .path("result")
                        .asText())
                .isEqualTo("'pong'");
        assertThat(CeleryEventCodec.exceptionRepr("ValueError", "boom")).isEqualTo("ValueError('boom')");
        assertThat(PythonJson.dumps(CeleryEventCodec.taskRevoked("id", true, 15, false)))
                .isEqualTo("{\"uuid\": \"id\", \"terminated\": true, \"signum\": 15, \"expired\": false}");
        assertThat(PythonJson.dumps(CeleryEventCodec.taskRevoked("id", false, null, true)))
                .isEqualTo("{\"uuid\": \"id\", \"terminated\": false, \"signum\": null, \"expired\": true}");
        assertThat(PythonJson.dumps(CeleryEventCodec.taskRejected("id", true)))
                .isEqualTo("{\"uuid\": \"id\", \"requeue\": true}");
        assertThat(CeleryEventCodec.routingKey("task-succeeded")).isEqualTo("task.succeeded");
    }

    @Test
    void utcoffsetIsPythonsHoursWestOfUtc() {
        assertThat(CeleryEventCodec.utcoffset(ZoneOffset.UTC)).isZero();
        assertThat(CeleryEventCodec.utcoffset(ZoneOffset.ofHours(2))).isEqualTo(-2);
        assertThat(CeleryEventCodec.utcoffset(ZoneOffset.ofHours(-5))).isEqualTo(5);
        assertThat(CeleryEventCodec.utcoffset(ZoneOffset.ofHoursMinutes(5, 30))).isEqualTo(-6);
    }

    @Test
    void theLamportClockMovesPastWhatItHears() {
        LamportClock clock = new LamportClock();
        assertThat(clock.forward()).isEqualTo(1);
        assertThat(clock.adjust(10)).isEqualTo(11);
        assertThat(clock.adjust(3)).isEqualTo(12);
    }
}
