package io.clipflow.security;

import io.clipflow.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A user's own API tokens: issue a named one (shown once), list them, revoke one. Another user's token is 404. */
@RestController
class TokenController {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    record NewToken(@Size(max = 100) @Pattern(regexp = "[\\p{L}\\p{N} _.@-]*") String name) {}

    @PostMapping("/api/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> issue(
            @Valid @RequestBody(required = false) NewToken body, @AuthenticationPrincipal ClipflowUser user) {
        String name = body == null || body.name() == null || body.name().isBlank() ? "api" : body.name();
        TokenService.IssuedToken issued = tokens.issue(user.id(), name);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("token_id", issued.tokenId());
        reply.put("name", name);
        reply.put("token", issued.token());
        return reply;
    }

    @GetMapping("/api/tokens")
    List<Map<String, Object>> list(@AuthenticationPrincipal ClipflowUser user) {
        return tokens.tokensOf(user.id()).stream()
                .map(t -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", t.id());
                    m.put("name", t.name());
                    m.put("created_at", t.createdAt().toString());
                    m.put(
                            "last_used_at",
                            t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
                    m.put("revoked", t.revoked());
                    return m;
                })
                .toList();
    }

    @DeleteMapping("/api/tokens/{id}")
    ResponseEntity<Void> revoke(@PathVariable long id, @AuthenticationPrincipal ClipflowUser user) {
        if (!tokens.revoke(user.id(), id)) {
            throw ApiException.notFound("token " + id);
        }
        return ResponseEntity.noContent().build();
    }
}
