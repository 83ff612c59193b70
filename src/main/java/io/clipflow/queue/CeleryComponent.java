package io.clipflow.queue;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

/**
 * The {@code celery:<queue>} Camel component: consumes a Celery queue on Redis with reliable fetch, and produces Celery
 * protocol-v2 messages onto it. Its options are {@link CeleryEndpoint}'s; everything it does on Redis goes through
 * this node's {@link CeleryNode}.
 */
@Component("celery")
public class CeleryComponent extends DefaultComponent {

    private final CeleryNode node;

    CeleryComponent(CeleryNode node) {
        this.node = node;
    }

    CeleryNode node() {
        return node;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank() || !remaining.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException(
                    "celery endpoint needs a queue name of letters, digits, '.', '_', '-': " + uri);
        }
        CeleryEndpoint endpoint = new CeleryEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
