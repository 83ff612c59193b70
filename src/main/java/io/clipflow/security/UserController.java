package io.clipflow.security;

import io.clipflow.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admin-only: create users and issue their tokens (the token is in the reply once and never again). */
@RestController
class UserController {

    private final TokenService tokens;

    UserController(TokenService tokens) {
        this.tokens = tokens;
    }

    record NewUser(@NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9_.@-]+") String username, Role role) {}

    record NewToken(@Size(max = 100) @Pattern(regexp = "[\\p{L}\\p{N} _.@-]*") String name) {}

    @PostMapping("/api/users")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(@Valid @RequestBody NewUser body) {
        if (tokens.findUser(body.username()).isPresent()) {
            throw new ApiException(HttpStatus.CONFLICT, "conflict", "user " + body.username() + " already exists");
        }
        ClipflowUser user = tokens.createUser(body.username(), body.role() == null ? Role.USER : body.role());
        return reply(tokens.issue(user.id(), "initial"));
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
