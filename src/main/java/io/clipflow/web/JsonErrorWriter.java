package io.clipflow.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Writes the {@code {"error", "detail"}} body for refusals made in servlet filters (authentication, rate limits, upload
 * limits), where {@link ApiErrors} does not run. A refused request whose body was not read gets
 * {@code Connection: close}, so the server does not go on reading a body nobody wants.
 */
@Component
public class JsonErrorWriter {

    private final ObjectMapper json;

    JsonErrorWriter(ObjectMapper json) {
        this.json = json;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, int status, String error, String detail)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close");
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        json.writeValue(response.getOutputStream(), body);
    }
}
