package io.clipflow.upload;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What tus asks of every request to {@code /api/uploads} (and the dashboard's {@code /ui/uploads}), before security sees it: {@code X-HTTP-Method-Override} on a
 * POST is the method (clients on {@code HttpURLConnection}, which cannot send PATCH, rely on it), and every answer,
 * refusals included, carries {@code Tus-Resumable}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class TusProtocolFilter extends OncePerRequestFilter {

    private static final Set<String> OVERRIDABLE = Set.of("PATCH", "DELETE", "HEAD");

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath();
        return !(path.startsWith("/api/uploads") || path.startsWith("/ui/uploads"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Tus-Resumable", TusController.VERSION);
        String override = request.getHeader("X-HTTP-Method-Override");
        if ("POST".equals(request.getMethod()) && override != null) {
            String method = override.strip().toUpperCase(Locale.ROOT);
            if (OVERRIDABLE.contains(method)) {
                chain.doFilter(
                        new HttpServletRequestWrapper(request) {
                            @Override
                            public String getMethod() {
                                return method;
                            }
                        },
                        response);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
