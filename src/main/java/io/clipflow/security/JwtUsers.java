package io.clipflow.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Enterprise SSO: a JWT that Spring Security's {@link JwtDecoder} accepts (signature, expiry, issuer) becomes a
 * Clipflow user, matched by subject and created on first sight, with the role taken from a configurable claim.
 */
class JwtUsers {

    private final JwtDecoder decoder;
    private final TokenService tokens;
    private final SecurityProperties.Sso sso;

    JwtUsers(JwtDecoder decoder, TokenService tokens, SecurityProperties.Sso sso) {
        this.decoder = decoder;
        this.tokens = tokens;
        this.sso = sso;
    }

    /** The claim mapping alone, for claims already checked by someone else (the dashboard's OIDC sign-in). */
    static JwtUsers claimsOnly(TokenService tokens, SecurityProperties.Sso sso) {
        return new JwtUsers(null, tokens, sso);
    }

    /** Three base64url parts separated by dots; our own {@code cf_} tokens never have a dot. */
    static boolean looksLikeJwt(String token) {
        return token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    }

    Optional<ClipflowUser> authenticate(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtException e) {
            return Optional.empty();
        }
        return fromClaims(jwt.getSubject(), jwt.getClaims());
    }

    /** The user with this subject (created on first sight), named and given a role from the claims. */
    Optional<ClipflowUser> fromClaims(String subject, Map<String, Object> claims) {
        if (subject == null || subject.isBlank() || subject.length() > 255) {
            return Optional.empty();
        }
        Object name = claims.get(sso.usernameClaim());
        String username = name instanceof String s && s.matches("[\\p{L}\\p{N}_.@-]{1,80}") ? s : null;
        return Optional.of(tokens.ssoUser(subject, username, isAdmin(claims) ? Role.ADMIN : Role.USER));
    }

    private boolean isAdmin(Map<String, Object> claims) {
        return hasRole(claims, sso.rolesClaim(), sso.adminRole());
    }

    /** Whether the claim at {@code claimPath} (dots walk into objects) holds {@code role}, as a list or a string. */
    static boolean hasRole(Map<String, Object> claims, String claimPath, String role) {
        Object value = claims;
        for (String part : claimPath.split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(part) : null;
        }
        List<String> roles = value instanceof Collection<?> c
                ? c.stream().map(String::valueOf).toList()
                : value instanceof String s ? Arrays.asList(s.split("[\\s,]+")) : List.of();
        String wanted = normalized(role);
        return roles.stream().map(JwtUsers::normalized).anyMatch(wanted::equals);
    }

    private static String normalized(String role) {
        String upper = role.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("ROLE_") ? upper.substring(5) : upper;
    }
}
