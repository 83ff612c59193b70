package io.clipflow.config;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What this node does, read once: {@code clipflow.roles} (a comma list of {@code web}, {@code worker},
 * {@code scheduler}; default all three) and {@code clipflow.worker.queues} (when not empty, the only queues a worker
 * consumes: {@code ./clipflow worker --queues video,llm}). An unknown role fails start-up. {@link NodeRoles} derives
 * the same list's flags for placeholders; every bean asks this record.
 *
 * @param roles the role list as configured
 * @param worker the worker role's own settings
 */
@ConfigurationProperties("clipflow")
public record Roles(@DefaultValue("web,worker,scheduler") String roles, @DefaultValue Worker worker) {

    /** @param queues comma list of the queues this node consumes; empty: every queue a route names */
    public record Worker(@DefaultValue("") String queues) {}

    public Roles {
        NodeRoles.parse(roles);
    }

    /** Every role: one JVM doing everything, as on a laptop. */
    public static Roles all() {
        return new Roles("web,worker,scheduler", new Worker(""));
    }

    public Set<String> names() {
        return NodeRoles.parse(roles);
    }

    public boolean isWeb() {
        return names().contains("web");
    }

    public boolean isWorker() {
        return names().contains("worker");
    }

    public boolean isScheduler() {
        return names().contains("scheduler");
    }

    /** The queues named by {@code clipflow.worker.queues}; empty for every queue. */
    public Set<String> workerQueues() {
        return Arrays.stream(worker.queues().split(","))
                .map(String::trim)
                .filter(q -> !q.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether this node runs the consumers of {@code queue}: the worker role, and the queue named or none named. */
    public boolean consumes(String queue) {
        Set<String> only = workerQueues();
        return isWorker() && (only.isEmpty() || only.contains(queue));
    }
}
