package io.clipflow.ops;

import io.clipflow.queue.NodeRegistry;
import java.util.List;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/** The line at the foot of every dashboard page: Redis, the database, FFmpeg and the live nodes, from the health checks. */
@Component
class StatusLine {

    /** One part of the line: its name, "up", "down" or "unknown", and for nodes their count. */
    record Part(String name, String state, String detail) {}

    private final HealthEndpoint health;
    private final NodeRegistry nodes;

    StatusLine(HealthEndpoint health, NodeRegistry nodes) {
        this.health = health;
        this.nodes = nodes;
    }

    List<Part> now() {
        return List.of(part("Redis", "redis"), part("Database", "db"), part("FFmpeg", "ffmpeg"), nodes());
    }

    private Part part(String name, String component) {
        HealthComponent h;
        try {
            h = health.healthForPath(component);
        } catch (RuntimeException e) {
            h = null;
        }
        if (h == null) {
            return new Part(name, "unknown", "");
        }
        return new Part(name, Status.UP.equals(h.getStatus()) ? "up" : "down", "");
    }

    private Part nodes() {
        try {
            long live = nodes.knownNodes().stream()
                    .filter(n -> nodes.heartbeatOf(n) != null)
                    .count();
            return new Part("Nodes", live > 0 ? "up" : "down", Long.toString(live));
        } catch (RuntimeException e) {
            return new Part("Nodes", "unknown", "?");
        }
    }
}
