package io.clipflow.celery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    // Expected strings below were printed by CPython 3's json.dumps with default arguments.

    @Test
    void writesFloatsLikePythonRepr() {
        var array = nodes.arrayNode()
                .add(1.5)
                .add(0.1)
                .add(1e-05)
                .add(0.0001)
                .add(1e16)
                .add(1e15)
                .add(123456789.123)
                .add(-2.5e-300)
                .add(Double.MAX_VALUE)
                .add(Double.MIN_VALUE)
                .add(0.0)
                .add(-0.0)
                .add(100.0)
                .add(new BigInteger("1180591620717411303424"))
                .add(3.0e20)
                .add(Double.NaN)
                .add(Double.POSITIVE_INFINITY)
                .add(Double.NEGATIVE_INFINITY)
                .add(1.0 / 3);

        assertThat(PythonJson.dumps(array))
                .isEqualTo("[1.5, 0.1, 1e-05, 0.0001, 1e+16, 1000000000000000.0, "
                        + "123456789.123, -2.5e-300, 1.7976931348623157e+308, 5e-324, 0.0, -0.0, 100.0, "
                        + "1180591620717411303424, 3e+20, NaN, Infinity, -Infinity, 0.3333333333333333]");
    }

    @Test
    void keepsIntegersAsIntegersAndJavaFloatsShort() {
        var array = nodes.arrayNode().add(42).add(9_000_000_000L).add(0.1f).add(900.0);

        assertThat(PythonJson.dumps(array)).isEqualTo("[42, 9000000000, 0.1, 900.0]");
    }

    @Test
    void escapesStringsLikeEnsureAscii() {
        var array = nodes.arrayNode()
                .add("é")
                .add("日本")
                .add("😀")
                .add("\u0000\u001f\u007f")
                .add("tab\tnl\ncr\rbs\bff\f")
                .add("q\"b\\s/")
                .add("\u2028");

        assertThat(PythonJson.dumps(array))
                .isEqualTo("[\"\\u00e9\", \"\\u65e5\\u672c\", \"\\ud83d\\ude00\", "
                        + "\"\\u0000\\u001f\\u007f\", \"tab\\tnl\\ncr\\rbs\\bff\\f\", \"q\\\"b\\\\s/\", \"\\u2028\"]");
    }

    @Test
    void usesPythonSeparatorsAndLiterals() throws Exception {
        JsonNode tree = mapper.readTree("{\"a\":[],\"b\":{},\"c\":[1,{\"d\":null,\"e\":true,\"f\":false}]}");

        assertThat(PythonJson.dumps(tree))
                .isEqualTo("{\"a\": [], \"b\": {}, \"c\": [1, {\"d\": null, \"e\": true, \"f\": false}]}");
    }

    @Test
    void escapesKeysToo() {
        ObjectNode object = nodes.objectNode().put("clé", 1);

        assertThat(PythonJson.dumps(object)).isEqualTo("{\"cl\\u00e9\": 1}");
    }

    @Test
    void ordersLeadingKeysThenKeepsTheRestInPlace() {
        ObjectNode object =
                nodes.objectNode().put("z", 1).put("b", 2).put("x", 3).put("a", 4);

        ObjectNode ordered = PythonJson.ordered(object, List.of("a", "b", "missing"));

        assertThat(PythonJson.dumps(ordered)).isEqualTo("{\"a\": 4, \"b\": 2, \"z\": 1, \"x\": 3}");
    }

    @Test
    void formatsTimesLikeAwareIsoformatInUtc() {
        var paris = OffsetDateTime.of(2026, 11, 22, 16, 37, 38, 606_694_999, ZoneOffset.ofHours(1));

        assertThat(PythonJson.isoformat(paris)).isEqualTo("2026-11-22T15:37:38.606694+00:00");
        assertThat(PythonJson.isoformat(paris.withNano(0))).isEqualTo("2026-11-22T15:37:38.000000+00:00");
    }

    @Test
    void readsAwareAndNaiveIsoformatAsUtc() {
        var expected = OffsetDateTime.of(2026, 11, 22, 15, 37, 28, 607_888_000, ZoneOffset.UTC);

        assertThat(PythonJson.parseIsoformat("2026-11-22T15:37:28.607888")).isEqualTo(expected);
        assertThat(PythonJson.parseIsoformat("2026-11-22T15:37:28.607888+00:00"))
                .isEqualTo(expected);
        assertThat(PythonJson.parseIsoformat("2026-11-22T16:37:28.607888+01:00").toInstant())
                .isEqualTo(expected.toInstant());
    }
}
