package io.clipflow.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The dashboard's single sign-on: after Spring Security's OAuth 2.0 / OIDC login has checked the provider's answer
 * (state, nonce, the ID token's signature, issuer and audience), the provider's user becomes a Clipflow user the way
 * an SSO bearer token does ({@link JwtUsers}: matched by subject, created on first sight, role from the roles claim),
 * and the session holds that user, as after a password sign-in.
 */
final class OidcSignIn {

    private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);

    /** A provider the sign-in page offers: {@code /oauth2/authorization/<id>}. */
    record Provider(String id, String name) {}

    private final JwtUsers users;
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    OidcSignIn(JwtUsers users) {
        this.users = users;
    }

    /** The registrations Boot made from {@code spring.security.oauth2.client.registration.*}, in their order. */
    static List<Provider> providers(ClientRegistrationRepository registrations) {
        List<Provider> providers = new ArrayList<>();
        if (registrations instanceof Iterable<?> all) {
            for (Object r : all) {
                ClientRegistration registration = (ClientRegistration) r;
                providers.add(new Provider(registration.getRegistrationId(), registration.getClientName()));
            }
        }
        return providers;
    }

    void succeeded(HttpServletRequest request, HttpServletResponse response, Authentication provider)
            throws IOException {
        Optional<ClipflowUser> user = Optional.empty();
        if (provider.getPrincipal() instanceof OidcUser oidc) {
            user = users.fromClaims(oidc.getSubject(), oidc.getClaims());
        } else if (provider.getPrincipal() instanceof OAuth2User plain) {
            user = users.fromClaims(plain.getName(), plain.getAttributes());
        }
        if (user.isEmpty()) {
            log.warn("single sign-on: the provider's user has no usable subject; not signed in");
            SecurityContextHolder.clearContext();
            response.sendRedirect(request.getContextPath() + "/login?sso-error");
            return;
        }
        ClipflowUser signedIn = user.get();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(signedIn, null, signedIn.authorities()));
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
        log.info("single sign-on: user {} ({}) signed in", signedIn.id(), signedIn.role());
        response.sendRedirect(request.getContextPath() + "/ui");
    }

    /** The provider said no, or its answer did not check out (state, nonce, signature): back to the sign-in page. */
    void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String reason = e instanceof OAuth2AuthenticationException oauth
                ? oauth.getError().getErrorCode()
                : e.getClass().getSimpleName();
        log.warn("single sign-on failed: {}", reason);
        response.sendRedirect(request.getContextPath() + "/login?sso-error");
    }
}
