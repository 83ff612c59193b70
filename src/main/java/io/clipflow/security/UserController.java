package io.clipflow.security;

import io.clipflow.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin-only: list and create users, set their dashboard passwords, issue their tokens (a token is in the reply once
 * and never again).
 */
@RestController
class UserController {

    private final TokenService tokens;
    private final Passwords passwords;
    private final Accounts accounts;

    UserController(TokenService tokens, Passwords passwords, Accounts accounts) {
        this.tokens = tokens;
        this.passwords = passwords;
        this.accounts = accounts;
    }

    /** A new user; {@code password} (optional) lets them sign in to the dashboard. */
    record NewUser(
            @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9_.@-]+") String username,
            Role role,
            @Size(max = 200) String password) {}

    record NewPassword(@NotBlank @Size(max = 200) String password) {}

    record NewToken(@Size(max = 100) @Pattern(regexp = "[\\p{L}\\p{N} _.@-]*") String name) {}

    @PostMapping("/api/users")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(@Valid @RequestBody NewUser body) {
        ClipflowUser user =
                accounts.create(body.username(), body.role() == null ? Role.USER : body.role(), body.password());
        return reply(tokens.issue(user.id(), "initial"));
    }

    /** Sets (resets) a user's dashboard password. */
    @PostMapping("/api/users/{id}/password")
    ResponseEntity<Void> password(@PathVariable long id, @Valid @RequestBody NewPassword body) {
        if (!tokens.userExists(id)) {
            throw ApiException.notFound("user " + id);
        }
        passwords.set(id, Accounts.checked(body.password()));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/users")
    Map<String, Object> list() {
        return Map.of("items", tokens.users());
    }

    @PostMapping("/api/users/{id}/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> token(@PathVariable long id, @Valid @RequestBody(required = false) NewToken body) {
        if (!tokens.userExists(id)) {
            throw ApiException.notFound("user " + id);
        }
        String name = body == null || body.name() == null || body.name().isBlank() ? "api" : body.name();
        return reply(tokens.issue(id, name));
    }

    private static Map<String, Object> reply(TokenService.IssuedToken issued) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", issued.userId());
        reply.put("username", issued.username());
        reply.put("role", issued.role().name());
        reply.put("token_id", issued.tokenId());
        reply.put("token", issued.token());
        return reply;
    }
}
