package io.clipflow.security;

import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

/**
 * One answer to "who sends this bearer token?" for every edge: the HTTP filter, and WebSocket/SSE handshakes
 * ({@code notify/}) which should call {@link #authenticate} with the header's token. Opaque {@code cf_} API tokens
 * always work; JWTs work when a {@link JwtDecoder} is configured
 * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, {@code jwk-set-uri} or {@code public-key-location}).
 */
@Component
public class BearerAuthenticator {

    private final TokenService tokens;
    private final JwtUsers jwtUsers;

    BearerAuthenticator(TokenService tokens, ObjectProvider<JwtDecoder> decoder, SecurityProperties properties) {
        this.tokens = tokens;
        JwtDecoder jwt = decoder.getIfAvailable();
        this.jwtUsers = jwt == null ? null : new JwtUsers(jwt, tokens, properties.sso());
    }

    public Optional<ClipflowUser> authenticate(String token) {
        if (token == null || token.isBlank() || token.length() > 8192) {
            return Optional.empty();
        }
        Optional<ClipflowUser> user = token.length() <= 512 ? tokens.authenticate(token) : Optional.empty();
        if (user.isEmpty() && jwtUsers != null && JwtUsers.looksLikeJwt(token)) {
            user = jwtUsers.authenticate(token);
        }
        return user;
    }

    /** Whether enterprise SSO (JWT bearer tokens) is switched on. */
    public boolean ssoEnabled() {
        return jwtUsers != null;
    }
}
