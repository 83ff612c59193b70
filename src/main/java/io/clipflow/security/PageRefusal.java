package io.clipflow.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.csrf.CsrfException;

/**
 * A refused dashboard request as a 403 page: a form or htmx request without its CSRF token (a stale tab, a forged
 * cross-site post) or an action the user's role may not take. Written directly, so it cannot itself be refused.
 */
final class PageRefusal {

    private PageRefusal() {}

    static void write(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String reason = e instanceof CsrfException
                ? "The form was sent without its security token (CSRF). Reload the page and try again."
                : "Your role may not do this.";
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/html;charset=UTF-8");
        String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Refused · Clipflow</title>"
                + "<link rel=\"stylesheet\" href=\"" + request.getContextPath() + "/assets/app.css\"></head>"
                + "<body class=\"refused\"><main><h1>403 · Refused</h1><p id=\"refusal\">" + reason + "</p>"
                + "<p><a href=\"" + request.getContextPath()
                + "/ui\">Back to the dashboard</a></p></main></body></html>";
        response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
    }
}
