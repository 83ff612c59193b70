package io.clipflow.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's own error reports (a request it refuses before the application sees it: oversized headers, malformed
 * URLs) as the API's JSON with the security headers, instead of Tomcat's HTML page with its version.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String error = known == null ? "error" : known.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("utf-8");
            SecurityHeaders.writers().forEach(w -> w.writeHeaders(request, response));
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"error\":\"" + error + "\",\"detail\":\"the request was refused\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing more to say
        }
    }
}
