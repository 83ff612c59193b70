package io.clipflow.security;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Hands a signed-in browser a one-time ticket for a WebSocket or SSE URL (see {@link StreamTickets}). */
@RestController
class StreamTicketController {

    private final StreamTickets tickets;

    StreamTicketController(StreamTickets tickets) {
        this.tickets = tickets;
    }

    @PostMapping("/api/stream-tickets")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> issue(@AuthenticationPrincipal ClipflowUser user) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("ticket", tickets.issue(user));
        reply.put("expires_in", StreamTickets.LIFETIME.toSeconds());
        return reply;
    }
}
