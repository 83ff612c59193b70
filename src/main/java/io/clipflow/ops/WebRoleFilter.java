package io.clipflow.ops;

import io.clipflow.config.Roles;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A node without the {@code web} role (clipflow.roles) answers 404 to everything but {@code /actuator/**}, so a
 * worker or beat node behind no load balancer still has health and metrics, and no API.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class WebRoleFilter extends OncePerRequestFilter {

    private final boolean web;

    WebRoleFilter(Roles roles) {
        this.web = roles.isWeb();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return web || request.getRequestURI().startsWith("/actuator");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("application/json");
        response.getWriter().write("{\"error\": \"not found\", \"detail\": \"this node has no web role\"}");
    }
}
