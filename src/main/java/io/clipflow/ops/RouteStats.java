package io.clipflow.ops;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

/**
 * Exchanges completed and failed per route on this node, and when each route was last reloaded from its file, for the
 * routes page. Camel Spring Boot registers this notifier; it listens to exchange completion and route events only.
 */
@Component
class RouteStats extends EventNotifierSupport {

    /** One route's counts since this node started. */
    static final class Counts {
        final LongAdder completed = new LongAdder();
        final LongAdder failed = new LongAdder();
        volatile Instant lastFailure;
        volatile Instant lastReload;
    }

    private final Map<String, Counts> byRoute = new ConcurrentHashMap<>();

    RouteStats() {
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeFailedEvent failed) {
            Counts c = of(failed.getExchange().getFromRouteId());
            c.failed.increment();
            c.lastFailure = Instant.now();
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent done) {
            of(done.getExchange().getFromRouteId()).completed.increment();
        } else if (event instanceof CamelEvent.RouteReloadedEvent reloaded) {
            of(reloaded.getRoute().getRouteId()).lastReload = Instant.now();
        }
    }

    Counts of(String routeId) {
        return byRoute.computeIfAbsent(routeId == null ? "(none)" : routeId, k -> new Counts());
    }
}
