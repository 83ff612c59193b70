package io.clipflow.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>} → the token's user (API token or SSO JWT); for the live-event endpoints (a GET of {@code /ws/...} or
 * {@code /api/events}) also {@code ?ticket=<one-time ticket>}; anything else stays anonymous (and is refused later).
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private final BearerAuthenticator tokens;
    private final TicketService tickets;

    BearerTokenFilter(BearerAuthenticator tokens, TicketService tickets) {
        this.tokens = tokens;
        this.tickets = tickets;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            tokens.authenticate(header.substring(7).trim()).ifPresent(BearerTokenFilter::signIn);
        } else if (header == null && takesTicket(request)) {
            tickets.consume(request.getParameter("ticket")).ifPresent(BearerTokenFilter::signIn);
        }
        chain.doFilter(request, response);
    }

    private static boolean takesTicket(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return "GET".equals(request.getMethod())
                && request.getParameter("ticket") != null
                && (path.startsWith("/ws/") || path.equals("/api/events"));
    }

    private static void signIn(ClipflowUser user) {
        var auth = new UsernamePasswordAuthenticationToken(user, null, user.authorities());
        SecurityContextHolder.getContext().setAuthentication(auth);
    }
}
