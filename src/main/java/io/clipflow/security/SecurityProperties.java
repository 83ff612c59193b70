package io.clipflow.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param adminToken token the admin account accepts (from {@code CLIPFLOW_ADMIN_TOKEN}); empty: generate one on first
 *     start and write it to {@code <data-dir>/admin-token}
 * @param adminUsername name of the bootstrap admin account
 * @param mediaSecret HMAC key for signed media URLs (from {@code CLIPFLOW_MEDIA_SECRET}); empty: generated once and
 *     kept in {@code <data-dir>/media-secret} so URLs survive a restart
 * @param mediaUrlLifetime how long a signed media URL stays valid
 * @param wsTicketLifetime how long a one-time ticket from {@code POST /api/ws-tickets} may wait to be used (browsers
 *     cannot send a header with a WebSocket or {@code EventSource}, so they pass it as {@code ?ticket=})
 */
@ConfigurationProperties("clipflow.security")
record SecurityProperties(
        @DefaultValue("") String adminToken,
        @DefaultValue("admin") String adminUsername,
        @DefaultValue("") String mediaSecret,
        @DefaultValue("6h") Duration mediaUrlLifetime,
        @DefaultValue("30s") Duration wsTicketLifetime) {}
