package io.clipflow.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.clipflow.celery.CeleryResult;
import io.clipflow.task.TaskState;
import java.util.Comparator;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a stored task result: {@code assertThatResult(r).succeededWith(2)}. */
public final class ResultAssert extends AbstractAssert<ResultAssert, CeleryResult> {

    private static final JsonMapper JSON =
            JsonMapper.builder().findAndAddModules().build();

    /** Numbers are equal by value (Python writes 2 and 2.0 alike for many results); everything else as JSON. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
        }
        return 1;
    };

    ResultAssert(CeleryResult actual) {
        super(actual, ResultAssert.class);
    }

    public ResultAssert isIn(TaskState state) {
        isNotNull();
        if (!TaskResults.isIn(actual, state)) {
            failWithMessage(
                    "expected task %s to be %s but it is %s: %s", actual.taskId(), state, actual.status(), actual);
        }
        return this;
    }

    public ResultAssert succeeded() {
        return isIn(TaskState.SUCCESS);
    }

    /** SUCCESS, and the result is {@code expected} as JSON (a record, map, list, string or number). */
    public ResultAssert succeededWith(Object expected) {
        succeeded();
        JsonNode want = expected == null
                ? NullNode.getInstance()
                : expected instanceof JsonNode node ? node : JSON.valueToTree(expected);
        JsonNode got = actual.result();
        if (!want.equals(NUMBERS_BY_VALUE, got)) {
            failWithMessage(
                    "expected task %s to succeed with%n  %s%nbut its result is%n  %s", actual.taskId(), want, got);
        }
        return this;
    }

    /** FAILURE with a Python exception of this type ({@code exc_type}, e.g. {@code NotRegistered}). */
    public ResultAssert failedWith(String excType) {
        isIn(TaskState.FAILURE);
        if (!excType.equals(actual.excType())) {
            failWithMessage(
                    "expected task %s to fail with %s but it failed with %s: %s",
                    actual.taskId(), excType, actual.excType(), actual.excMessage());
        }
        return this;
    }

    public ResultAssert wasRevoked() {
        return isIn(TaskState.REVOKED);
    }

    /** The exception's message (FAILURE, RETRY, REVOKED) contains {@code text}. */
    public ResultAssert hasMessageContaining(String text) {
        isNotNull();
        String message = actual.excMessage();
        if (message == null || !message.contains(text)) {
            failWithMessage(
                    "expected the exception of task %s to mention <%s> but it is <%s>", actual.taskId(), text, message);
        }
        return this;
    }
}
