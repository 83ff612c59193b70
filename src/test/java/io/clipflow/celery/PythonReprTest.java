package io.clipflow.celery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values were printed by {@code celery.utils.saferepr.saferepr(value, 1024)} from Celery 5.2.6. */
class PythonReprTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void rendersArgumentsLikeCeleryFixtures() throws Exception {
        assertThat(PythonRepr.args(json("[42]"))).isEqualTo("[42]");
        assertThat(PythonRepr.args(json("[\"x\"]"))).isEqualTo("['x']");
        assertThat(PythonRepr.kwargs(json("{\"k\": 1}"))).isEqualTo("{'k': 1}");
    }

    @Test
    void rendersNoArgumentsAsEmptyTupleAndNoKwargsAsEmptyDict() throws Exception {
        assertThat(PythonRepr.args(json("[]"))).isEqualTo("()");
        assertThat(PythonRepr.kwargs(json("{}"))).isEqualTo("{}");
    }

    @Test
    void quotesStringsTheSafereprWay() throws Exception {
        JsonNode args = json("[true, false, null, 1.5, \"it's\", \"a\\\"b\", \"back\\\\slash\", \"nl\\nx\", "
                + "\"\\u00e9\\ud83d\\ude00\"]");

        assertThat(PythonRepr.args(args))
                .isEqualTo("[True, False, None, 1.5, 'it\\'s', 'a\"b', 'back\\slash', 'nl\nx', 'é😀']");
    }

    @Test
    void stopsNestingAtThreeLevels() throws Exception {
        assertThat(PythonRepr.args(json("[[[[1]]], {\"a\": {\"b\": {\"c\": 1}}}, [], {}]")))
                .isEqualTo("[[[[...]]], {'a': {'b': {...}}}, [], {}]");
        assertThat(PythonRepr.kwargs(json("{\"nested\": [1, [2, [3, [4]]]], \"n\": null}")))
                .isEqualTo("{'nested': [1, [2, [...]]], 'n': None}");
    }

    @Test
    void truncatesLongStringsNearTheLimit() {
        String repr = PythonRepr.args(mapper.valueToTree(List.of("a".repeat(2000))));

        assertThat(repr).hasSize(1034).startsWith("['a").endsWith("a...', ...");
        assertThat(repr.chars().filter(c -> c == 'a').count()).isEqualTo(1023);
    }

    @Test
    void truncatesAtTheLastSpace() {
        String repr = PythonRepr.args(mapper.valueToTree(List.of("ab cd".repeat(300))));

        assertThat(repr).hasSize(1033).endsWith(" cdab...', ...");
    }

    @Test
    void truncatesLongListsWithCelerysStrayComma() {
        String repr = PythonRepr.args(mapper.valueToTree(Collections.nCopies(600, 1)));

        assertThat(repr).hasSize(1030).endsWith("1, 1, , ...]");
        assertThat(repr.chars().filter(c -> c == '1').count()).isEqualTo(341);
    }

    @Test
    void dropsTheClosingBracketWhenTheLimitIsHitExactly() {
        assertThat(PythonRepr.args(mapper.valueToTree(List.of("x".repeat(1021)))))
                .hasSize(1029)
                .endsWith("xx', ...");
        assertThat(PythonRepr.args(mapper.valueToTree(List.of(List.of(1, 2), List.of(3, "x".repeat(1100))))))
                .hasSize(1035)
                .startsWith("[[1, 2], [3, ")
                .endsWith("...', ...]");
    }

    @Test
    void truncatesDictValues() {
        String repr = PythonRepr.kwargs(mapper.valueToTree(Map.of("k".repeat(10), "v ".repeat(600))));

        assertThat(repr).hasSize(1032).startsWith("{'kkkkkkkkkk': 'v v ").endsWith("v...', ...");
    }
}
