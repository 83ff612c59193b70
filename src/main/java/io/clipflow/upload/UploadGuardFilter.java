package io.clipflow.upload;

import io.clipflow.security.ClipflowUser;
import io.clipflow.web.JsonErrorWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses an upload before its body is read: a declared Content-Length over the limit is 413, a user who already has
 * too much work pending is 429. Spring MVC reads the whole multipart body before any controller runs, so these checks
 * cannot live in {@link UploadController}. Runs after the security filter chain, so the user is known.
 */
@Component
class UploadGuardFilter extends OncePerRequestFilter {

    /** The API's upload and the dashboard's (see UploadController). */
    static final Set<String> UPLOAD_PATHS = Set.of("/api/videos", "/ui/videos");

    private final UploadProperties properties;
    private final PendingVideos pending;
    private final JsonErrorWriter errors;

    UploadGuardFilter(UploadProperties properties, PendingVideos pending, JsonErrorWriter errors) {
        this.properties = properties;
        this.pending = pending;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && UPLOAD_PATHS.contains(request.getServletPath()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long max = properties.maxSize().toBytes();
        if (request.getContentLengthLong() > max) {
            errors.write(
                    request, response, 413, "upload too large", "the upload exceeds the limit of " + max + " bytes");
            return;
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ClipflowUser user) {
            OptionalLong over = pending.overLimit(user.id());
            if (over.isPresent()) {
                response.setHeader("Retry-After", "30");
                errors.write(request, response, 429, "too many pending videos", pending.detail(over.getAsLong()));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
