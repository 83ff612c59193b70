package io.clipflow.upload;

import io.clipflow.video.UploadedFile;
import io.clipflow.web.ApiException;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Hands a staged upload to route video-upload, the one way every kind of upload (multipart, tus) becomes a video. */
@Component
class UploadSubmission {

    private final ProducerTemplate routes;

    UploadSubmission(ProducerTemplate routes) {
        this.routes = routes;
    }

    /** The route's 202 reply ({@code {"video": {...}, "task_id"}}); 503 when Redis does not take the task. */
    @SuppressWarnings("unchecked")
    Map<String, Object> submit(UploadedFile upload) {
        try {
            return routes.requestBody("direct:video-upload", upload, Map.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof DataAccessResourceFailureException) {
                throw new ApiException(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "queue unavailable",
                        "the upload was stored but Redis did not take its task; try again later");
            }
            throw e;
        }
    }
}
