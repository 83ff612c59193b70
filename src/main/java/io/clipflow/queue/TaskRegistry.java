package io.clipflow.queue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.springframework.stereotype.Component;

/**
 * Which task names exist and where they go: tasks run here (read from the {@code celery:} consumers of the running
 * routes, so the YAML stays the single source) and remote tasks served by other workers (Python), declared with
 * {@code clipflow.tasks."[name]".queue}. Used by {@code POST /api/tasks} and canvas forwarding.
 */
@Component("taskRegistry")
public class TaskRegistry {

    /** Where a task goes: its queue, and the route that runs it here (null for a remote task). */
    public record Entry(String task, String queue, String routeId) {}

    private final CamelContext camel;
    private final TaskPolicies policies;

    TaskRegistry(CamelContext camel, TaskPolicies policies) {
        this.camel = camel;
        this.policies = policies;
    }

    public Map<String, Entry> all() {
        Map<String, Entry> entries = new TreeMap<>();
        policies.tasks().forEach((name, settings) -> {
            if (settings.queue() != null) {
                entries.put(name, new Entry(name, settings.queue(), null));
            }
        });
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof CeleryEndpoint endpoint) {
                for (String task : endpoint.taskNames()) {
                    entries.put(task, new Entry(task, endpoint.getQueueName(), route.getRouteId()));
                }
            }
        }
        return entries;
    }

    public Optional<Entry> find(String task) {
        return Optional.ofNullable(all().get(task));
    }

    /** For replies and docs: task → {queue, route}. */
    public Map<String, Map<String, String>> describe() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        all().forEach((name, e) -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("queue", e.queue());
            m.put("route", e.routeId() == null ? "remote" : e.routeId());
            out.put(name, m);
        });
        return out;
    }
}
