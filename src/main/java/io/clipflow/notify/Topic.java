package io.clipflow.notify;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live-event topic: {@code video.<id>}, {@code task.<task id>}, {@code user.<id>}, {@code project.<pid>} or
 * {@code project.<pid>.stage.<stage>}. Built only by the factories or {@link #parse}, so every topic is well formed and
 * no feature writes topic strings by hand.
 *
 * @param kind what the topic is about: {@code video}, {@code task}, {@code user} or {@code project}
 * @param id the thing's id within its kind (a project's id for its stage topics too)
 * @param stage the AI stage of a project's stage topic, else null
 */
public record Topic(String kind, String id, String stage) {

    public static final String VIDEO = "video";
    public static final String TASK = "task";
    public static final String USER = "user";
    public static final String PROJECT = "project";

    private static final Pattern NAME = Pattern.compile(
            "(video|user)\\.([1-9][0-9]{0,17})|task\\.([A-Za-z0-9_:\\-]{1,64})|project\\.([A-Za-z0-9_\\-]{1,64})(?:\\.stage\\.([A-Za-z0-9_\\-]{1,64}))?");

    public Topic {
        String name = stage == null ? kind + "." + id : kind + "." + id + ".stage." + stage;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a topic: " + name);
        }
    }

    public static Topic video(long videoId) {
        return new Topic(VIDEO, Long.toString(videoId), null);
    }

    public static Topic task(String taskId) {
        return new Topic(TASK, taskId, null);
    }

    public static Topic user(long userId) {
        return new Topic(USER, Long.toString(userId), null);
    }

    public static Topic project(String projectId) {
        return new Topic(PROJECT, projectId, null);
    }

    public static Topic projectStage(String projectId, String stage) {
        return new Topic(PROJECT, projectId, stage);
    }

    /** The topic of these parts, or empty when they make no topic (an id that is not one, a name too long). */
    public static Optional<Topic> of(String kind, String id, String stage) {
        if (kind == null || id == null) {
            return Optional.empty();
        }
        return parse(stage == null ? kind + "." + id : kind + "." + id + ".stage." + stage);
    }

    /** The topic a name stands for, or empty when the name is not one (unknown kind, bad id, too long). */
    public static Optional<Topic> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        if (m.group(1) != null) {
            return Optional.of(new Topic(m.group(1), m.group(2), null));
        }
        if (m.group(3) != null) {
            return Optional.of(new Topic(TASK, m.group(3), null));
        }
        return Optional.of(new Topic(PROJECT, m.group(4), m.group(5)));
    }

    /** The numeric id of a {@code video} or {@code user} topic. */
    public long numericId() {
        return Long.parseLong(id);
    }

    /**
     * False for a task's topic: a task's state lives in its result, which a late subscriber gets through a
     * {@link TopicSnapshot} (see {@link EventPublisher}).
     */
    public boolean keepsHistory() {
        return !TASK.equals(kind);
    }

    /** The name as it stands in Redis keys and on the wire. */
    public String name() {
        return stage == null ? kind + "." + id : kind + "." + id + ".stage." + stage;
    }

    @Override
    public String toString() {
        return name();
    }
}
