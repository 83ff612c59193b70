package io.clipflow.security;

import io.clipflow.web.JsonErrorWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Uploads and task submissions take a token from the user's bucket before the body is read: an empty bucket is 429
 * with {@code Retry-After}, and the upload never reaches the disk. Runs in the security chain, after authorization.
 */
class RateLimitFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);
    /** A multipart upload (API and page) and the creation of a resumable one share the upload bucket. */
    private static final Set<String> UPLOAD_CREATION =
            Set.of("/api/videos", "/ui/videos", "/api/uploads", "/api/uploads/", "/ui/uploads");

    private static final Pattern TASK_SUBMISSION = Pattern.compile("/api/tasks(/.*)?|/api/groups|/api/videos/[^/]+/.+");

    private final RateLimiter limiter;
    private final RateLimitProperties properties;
    private final JsonErrorWriter errors;

    RateLimitFilter(RateLimiter limiter, RateLimitProperties properties, JsonErrorWriter errors) {
        this.limiter = limiter;
        this.properties = properties;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (properties.enabled()
                && "POST".equals(request.getMethod())
                && auth != null
                && auth.getPrincipal() instanceof ClipflowUser user) {
            String path = request.getServletPath();
            RateLimiter.Decision decision = null;
            try {
                if (UPLOAD_CREATION.contains(path)) {
                    decision = limiter.take("upload", user.id(), properties.uploadBurst(), properties.uploadEvery());
                } else if (TASK_SUBMISSION.matcher(path).matches()) {
                    decision = limiter.take("task", user.id(), properties.taskBurst(), properties.taskEvery());
                }
            } catch (RuntimeException e) {
                // Redis down: let the request through; the upload itself needs Redis and will say so
                log.warn("rate limit not checked for user {}: {}", user.id(), e.getMessage());
            }
            if (decision != null && !decision.allowed()) {
                long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
                response.setHeader("Retry-After", Long.toString(seconds));
                errors.write(
                        request, response, 429, "too many requests", "rate limit reached; retry in " + seconds + " s");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
