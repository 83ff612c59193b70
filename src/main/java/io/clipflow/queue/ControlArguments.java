package io.clipflow.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Reads the arguments of the remote-control commands that change a node, as strictly as Celery reads them or more: a
 * value that is not what the command takes is refused with an error reply before anything changes.
 */
final class ControlArguments {

    /** An argument a command does not take; its message is the error reply. */
    static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    /** The longest time limit a command may set; a longer one is a typo, not a plan (Celery's seeds use 900 s). */
    static final Duration LONGEST_TIME_LIMIT = Duration.ofDays(7);

    /** AMQP's and kombu's longest queue name. */
    private static final int LONGEST_QUEUE_NAME = 255;

    private ControlArguments() {}

    /** {@code pool_grow} / {@code pool_shrink}'s {@code n}: a positive integer, 1 when not given. */
    static int count(JsonNode n) {
        if (absent(n)) {
            return 1;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
            throw new Refused("n must be a positive integer, not " + shown(n));
        }
        return n.intValue();
    }

    /** A queue name a command names: optional ({@code null}) when {@code required} is false. */
    static String queue(JsonNode queue, boolean required) {
        if (absent(queue)) {
            if (required) {
                throw new Refused("queue is required");
            }
            return null;
        }
        if (!queue.isTextual() || queue.textValue().isBlank()) {
            throw new Refused("queue must be a queue's name, not " + shown(queue));
        }
        String name = queue.textValue();
        if (name.length() > LONGEST_QUEUE_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new Refused(
                    "queue must be a queue's name of at most " + LONGEST_QUEUE_NAME + " printable characters");
        }
        return name;
    }

    /** A task name a command names; required. */
    static String task(JsonNode task) {
        if (absent(task) || !task.isTextual() || task.textValue().isBlank()) {
            throw new Refused("task_name must be a task's name, not " + shown(task));
        }
        return task.textValue();
    }

    /**
     * {@code rate_limit}'s rate in Celery's syntax ({@code N}, {@code N/s}, {@code N/m}, {@code N/h}; {@code 0},
     * empty or null for none), checked as {@link TaskRateLimits#perSecond} reads it, and refused when its number is
     * negative or not finite.
     *
     * @return the rate's text, empty for none
     * @throws TaskRateLimits.InvalidRate for a number Celery's {@code rate()} cannot read (its ValueError)
     */
    static String rate(JsonNode rate) {
        if (rate == null || rate.isMissingNode()) {
            throw new Refused("rate_limit is required (0 removes the limit)");
        }
        if (rate.isNull()) {
            return "";
        }
        if (!rate.isTextual() && !rate.isNumber()) {
            throw new Refused("rate_limit must be a rate such as 10/s, 10/m or 10/h, not " + shown(rate));
        }
        String text = rate.asText().trim();
        double perSecond = TaskRateLimits.perSecond(text);
        if (!Double.isFinite(perSecond) || perSecond < 0) {
            throw new TaskRateLimits.InvalidRate("rate must be a finite number of tasks, at least 0: '" + text + "'");
        }
        return text;
    }

    /** A soft and a hard time limit: each absent or 0 for none, else seconds above 0; soft at most hard. */
    record TimeLimits(Duration soft, Duration hard) {}

    static TimeLimits timeLimits(JsonNode soft, JsonNode hard) {
        Duration s = seconds(soft, "soft");
        Duration h = seconds(hard, "hard");
        if (s != null && h != null && s.compareTo(h) > 0) {
            throw new Refused(
                    "soft time limit (" + soft.asText() + " s) is above the hard one (" + hard.asText() + " s)");
        }
        return new TimeLimits(s, h);
    }

    private static Duration seconds(JsonNode value, String name) {
        if (absent(value)) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0) {
            throw new Refused(name + " must be a number of seconds, at least 0 (0: no limit), not " + shown(value));
        }
        double seconds = value.asDouble();
        if (seconds == 0) {
            return null;
        }
        if (seconds > LONGEST_TIME_LIMIT.toSeconds()) {
            throw new Refused(name + " must be at most " + LONGEST_TIME_LIMIT.toSeconds() + " s, not " + shown(value));
        }
        return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
    }

    private static boolean absent(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull();
    }

    /** The value as a reply may quote it: short, whatever was sent. */
    private static String shown(JsonNode value) {
        String text = value == null || value.isMissingNode() ? "nothing" : value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
