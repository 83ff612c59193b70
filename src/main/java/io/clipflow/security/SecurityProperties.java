package io.clipflow.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param adminToken token the admin account accepts (from {@code CLIPFLOW_ADMIN_TOKEN}); empty: generate one on first
 *     start and write it to {@code <data-dir>/admin-token}
 * @param adminUsername name of the bootstrap admin account
 * @param mediaSecret HMAC key for signed media URLs (from {@code CLIPFLOW_MEDIA_SECRET}); empty: generated once and
 *     kept in {@code <data-dir>/media-secret} so URLs survive a restart
 * @param mediaUrlLifetime how long a signed media URL stays valid
 * @param corsAllowedOrigins origins (e.g. {@code https://app.example.com}) whose pages may call the API and fetch
 *     media from a browser; empty (the default): no CORS headers at all, so browsers allow same-origin pages only
 * @param sso how JWT bearer tokens map to users, when {@code spring.security.oauth2.resourceserver.jwt.*} is set
 * @param adminPassword dashboard password of the admin account (from {@code CLIPFLOW_ADMIN_PASSWORD}); empty: generate
 *     one when the admin has none, and write it to {@code <data-dir>/admin-password}
 * @param login how failed dashboard sign-ins are throttled
 * @param wsTicketLifetime how long a one-time ticket from {@code POST /api/ws-tickets} may wait to be used (browsers
 *     cannot send a header with a WebSocket or {@code EventSource}, so they pass it as {@code ?ticket=})
 */
@ConfigurationProperties("clipflow.security")
record SecurityProperties(
        @DefaultValue("") String adminToken,
        @DefaultValue("admin") String adminUsername,
        @DefaultValue("") String mediaSecret,
        @DefaultValue("6h") Duration mediaUrlLifetime,
        @DefaultValue("") List<String> corsAllowedOrigins,
        @DefaultValue Sso sso,
        @DefaultValue("30s") Duration wsTicketLifetime,
        @DefaultValue("") String adminPassword,
        @DefaultValue Login login) {

    /**
     * @param maxFailuresPerUser failed sign-ins for one user name, within the window, before that name is refused
     * @param maxFailuresPerAddress failed sign-ins from one client address, within the window, before it is refused
     * @param failureWindow how long failures are counted (and a refusal lasts) from the first one
     */
    record Login(
            @DefaultValue("5") int maxFailuresPerUser,
            @DefaultValue("20") int maxFailuresPerAddress,
            @DefaultValue("15m") Duration failureWindow) {}

    /**
     * @param usernameClaim claim naming a new user's account (the subject when missing); users are matched by subject
     * @param rolesClaim claim holding the roles, a list or a space/comma separated string; dots walk into objects,
     *     e.g. {@code realm_access.roles} for Keycloak
     * @param adminRole the value in that claim that makes a user ADMIN (compared ignoring case and a
     *     {@code ROLE_} prefix); everyone else is USER
     */
    record Sso(
            @DefaultValue("preferred_username") String usernameClaim,
            @DefaultValue("roles") String rolesClaim,
            @DefaultValue("ADMIN") String adminRole) {}
}
