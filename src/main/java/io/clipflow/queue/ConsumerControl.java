package io.clipflow.queue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Starts and stops consuming a queue on this node at run time ({@code celery control add_consumer} /
 * {@code cancel_consumer}) through the routes whose {@code from} is {@code celery:<queue>}: their consumers are what
 * consume it. Like Celery's, the change lasts until the node restarts. Starting and stopping happen off the caller's
 * thread (a stop waits for running tasks for {@code clipflow.delivery.shutdown-grace}, then hands them back).
 */
@Component
class ConsumerControl implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConsumerControl.class);

    private final CamelContext camel;
    private final CeleryNode node;
    private final ExecutorService changes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "celery-consumer-control");
        t.setDaemon(true);
        return t;
    });

    ConsumerControl(CamelContext camel, CeleryNode node) {
        this.camel = camel;
        this.node = node;
    }

    /** The ids of the routes that consume {@code queue}. */
    List<String> routesOf(String queue) {
        return camel.getRoutes().stream()
                .filter(r -> r.getEndpoint() instanceof CeleryEndpoint e
                        && e.getQueueName().equals(queue))
                .map(Route::getRouteId)
                .toList();
    }

    /** Starts consuming {@code queue}; false when no route here consumes it. */
    boolean add(String queue) {
        List<String> routes = routesOf(queue);
        if (routes.isEmpty()) {
            return false;
        }
        node.addedRemotely(queue);
        changes.execute(() -> {
            for (String id : routes) {
                try {
                    ServiceStatus status = camel.getRouteController().getRouteStatus(id);
                    if (status != null && status.isStarted() && !node.isConsuming(queue)) {
                        // started while the roles left the queue out: its consumer took no threads
                        camel.getRouteController().stopRoute(id);
                    }
                    if (status == null
                            || !camel.getRouteController().getRouteStatus(id).isStarted()) {
                        camel.getRouteController().startRoute(id);
                        log.info("route {} started by remote control: consuming celery:{}", id, queue);
                    }
                } catch (Exception e) {
                    log.warn("route {} could not start for add_consumer {}: {}", id, queue, e.toString());
                }
            }
        });
        return true;
    }

    /** Stops consuming {@code queue}; false when no route here consumes it. */
    boolean cancel(String queue) {
        List<String> routes = routesOf(queue);
        if (routes.isEmpty()) {
            return false;
        }
        node.cancelledRemotely(queue);
        changes.execute(() -> {
            for (String id : routes) {
                try {
                    camel.getRouteController().stopRoute(id);
                    log.info("route {} stopped by remote control: no longer consuming celery:{}", id, queue);
                } catch (Exception e) {
                    log.warn("route {} could not stop for cancel_consumer {}: {}", id, queue, e.toString());
                }
            }
        });
        return true;
    }

    @Override
    public void destroy() {
        changes.shutdownNow();
    }
}
