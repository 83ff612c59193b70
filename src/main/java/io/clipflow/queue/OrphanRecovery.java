package io.clipflow.queue;

import java.util.Map;
import org.springframework.stereotype.Component;

/** Route schedule-orphans: the node-heartbeat check, run from the clustered scheduler as well as each node's timer. */
@Component("orphanRecovery")
public class OrphanRecovery {

    private final NodeLiveness liveness;

    OrphanRecovery(NodeLiveness liveness) {
        this.liveness = liveness;
    }

    /** Hands back the processing lists of nodes without heartbeat; the reply says how many messages moved. */
    public Map<String, Object> run() {
        return Map.of("handed_back", liveness.recoverOrphans());
    }
}
