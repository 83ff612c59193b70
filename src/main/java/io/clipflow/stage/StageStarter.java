package io.clipflow.stage;

import io.clipflow.web.ApiException;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Starts a stage through route stage-execute, for the API and the dashboard alike. The route's refusals (unknown stage,
 * limits) come out as the {@link ApiException} it threw, and Redis not taking the task as a 503.
 */
@Component
class StageStarter {

    private final ProducerTemplate routes;

    StageStarter(ProducerTemplate routes) {
        this.routes = routes;
    }

    /** The seed's reply: {@code {task_id, channel, stage, message, project_id}}. */
    Map<String, Object> start(StageLaunch.Request request) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> reply = routes.requestBody("direct:stage-execute", request, Map.class);
            return reply;
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            if (e.getCause() instanceof DataAccessException) {
                throw new ApiException(
                        HttpStatus.SERVICE_UNAVAILABLE, "queue unavailable", "Redis did not take the task; try again");
            }
            throw e;
        }
    }
}
