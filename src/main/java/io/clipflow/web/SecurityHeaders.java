package io.clipflow.web;

import java.util.List;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter.XFrameOptionsMode;

/**
 * The headers every response carries: Spring Security's defaults plus a CSP, Referrer-Policy and Permissions-Policy.
 * One list, so the security chain, the firewall's refusals and the servlet container's own error reports (which run
 * outside the chain) send the same set.
 */
public final class SecurityHeaders {

    // an API and media server: nothing it sends should run scripts, be framed, or leak signed URLs in Referer
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // the dashboard: its own scripts, styles and media only (no inline script or style, no eval), media and workers
    // from
    // blob: for hls.js, connections back to this origin (fetch, WebSocket); never framed
    static final String PAGE_CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:;"
            + " object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    // Swagger UI (webjar 5.32.2) injects one <style> element; only that exact one is allowed, and only on its pages
    static final String SWAGGER_UI_CONTENT_SECURITY_POLICY = PAGE_CONTENT_SECURITY_POLICY.replace(
            "style-src 'self';", "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=';");

    private SecurityHeaders() {}

    /** A fresh list of writers (HSTS writes only on HTTPS requests). */
    public static List<HeaderWriter> writers() {
        return writers(CONTENT_SECURITY_POLICY);
    }

    /** The same headers with the dashboard's CSP. */
    public static List<HeaderWriter> pageWriters() {
        return writers(PAGE_CONTENT_SECURITY_POLICY);
    }

    /** The dashboard's headers for Swagger UI's pages, whose CSP allows its one style element. */
    public static List<HeaderWriter> swaggerUiWriters() {
        return writers(SWAGGER_UI_CONTENT_SECURITY_POLICY);
    }

    private static List<HeaderWriter> writers(String contentSecurityPolicy) {
        return List.of(
                new XContentTypeOptionsHeaderWriter(),
                new XXssProtectionHeaderWriter(),
                new CacheControlHeadersWriter(),
                new HstsHeaderWriter(),
                new XFrameOptionsHeaderWriter(XFrameOptionsMode.DENY),
                new ContentSecurityPolicyHeaderWriter(contentSecurityPolicy),
                new ReferrerPolicyHeaderWriter(ReferrerPolicy.NO_REFERRER),
                new StaticHeadersWriter("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
                new StaticHeadersWriter("Cross-Origin-Opener-Policy", "same-origin"));
    }
}
