package io.clipflow.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.notify.Event;
import io.clipflow.notify.Topic;
import io.clipflow.notify.TopicPolicy;
import io.clipflow.notify.TopicSnapshot;
import io.clipflow.security.ClipflowUser;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A task's topic: readable by the task's owner and admins (a task with no history row by admins only), and, as it
 * keeps no history, started from the task's stored result ({@link TaskEvents#snapshot}).
 */
@Component
class TaskTopics implements TopicPolicy, TopicSnapshot {

    private final TaskTracker tasks;
    private final ResultBackend results;
    private final ObjectMapper json;

    TaskTopics(TaskTracker tasks, ResultBackend results, ObjectMapper json) {
        this.tasks = tasks;
        this.results = results;
        this.json = json;
    }

    @Override
    public String kind() {
        return Topic.TASK;
    }

    @Override
    public boolean mayRead(ClipflowUser user, Topic topic) {
        return tasks.find(topic.id())
                .map(t -> user.seesEverything() || Long.valueOf(user.id()).equals(t.getOwnerId()))
                .orElse(user.seesEverything());
    }

    @Override
    public Optional<Event> snapshot(Topic topic) {
        return TaskEvents.snapshot(results.get(topic.id()), json);
    }
}
