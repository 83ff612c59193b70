package io.clipflow.security;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/ws-tickets} (bearer token) or {@code POST /ui/ws-tickets} (dashboard session and CSRF header): a
 * one-time ticket a browser passes as {@code ?ticket=} to /ws/... or /api/events.
 */
@RestController
class TicketController {

    private final TicketService tickets;

    TicketController(TicketService tickets) {
        this.tickets = tickets;
    }

    @PostMapping({"/api/ws-tickets", "/ui/ws-tickets"})
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> issue(@AuthenticationPrincipal ClipflowUser user) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("ticket", tickets.issue(user));
        reply.put("expires_in", tickets.lifetimeSeconds());
        return reply;
    }
}
