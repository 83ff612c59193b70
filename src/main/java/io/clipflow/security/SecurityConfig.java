package io.clipflow.security;

import io.clipflow.web.JsonErrorWriter;
import io.clipflow.web.SecurityHeaders;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.security.oauth2.client.OAuth2ClientProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.Cookie.SameSite;
import org.springframework.boot.web.servlet.server.CookieSameSiteSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Two chains. The dashboard's ({@link #pages}): a session cookie from a form sign-in, CSRF tokens on every form and
 * htmx request, refusals as pages. The API's ({@link #api}), for everything else: stateless, so a session cookie
 * never authenticates an API call (which is why the API needs no CSRF token).
 *
 * <p>Every API call and WebSocket needs a bearer token (API token, or an SSO JWT when configured; for live events
 * a browser may use a one-time ticket instead); users, operations and actuator need
 * ADMIN (a VIEWER may read the ops API, and every write of a VIEWER is refused by {@link ReadOnlyFilter}); media is
 * public to whoever holds a signed URL (the controller checks the signature); health is public so load
 * balancers can probe it. Everything else is denied. Every refusal is JSON, every response carries security headers.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    /** The paths the dashboard chain owns; everything else is the API's. */
    static final String[] PAGE_PATHS = {
        "/",
        "/login",
        "/login/oauth2/**",
        "/oauth2/authorization/**",
        "/logout",
        "/ui",
        "/ui/**",
        "/webjars/**",
        "/assets/**",
        "/favicon.ico",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/swagger-ui/**",
        "/swagger-ui.html"
    };

    /** The operators' pages: an ADMIN acts on them, a VIEWER reads them, a USER gets neither. */
    static final String[] OPERATOR_PAGES = {
        "/ui/queues",
        "/ui/queues/**",
        "/ui/dead-letters/**",
        "/ui/workers",
        "/ui/schedules/**",
        "/ui/routes",
        "/ui/routes/**",
        "/ui/users",
        "/ui/users/**"
    };

    @Bean
    @Order(1)
    SecurityFilterChain pages(
            HttpSecurity http,
            BearerAuthenticator tokens,
            TicketService tickets,
            Passwords passwords,
            LoginThrottle throttle,
            JsonErrorWriter errors,
            RateLimiter limiter,
            RateLimitProperties rateLimits,
            ObjectProvider<ClientRegistrationRepository> sso,
            TokenService users,
            SecurityProperties properties)
            throws Exception {
        ClientRegistrationRepository registrations = sso.getIfAvailable();
        if (registrations != null) {
            OidcSignIn signIn = new OidcSignIn(JwtUsers.claimsOnly(users, properties.sso()));
            // PKCE for this confidential client too (the OAuth 2.0 security BCP), besides state and the OIDC nonce
            var requests = new DefaultOAuth2AuthorizationRequestResolver(
                    registrations, OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
            requests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
            http.oauth2Login(o -> o.loginPage("/login")
                    .authorizationEndpoint(a -> a.authorizationRequestResolver(requests))
                    .successHandler(signIn::succeeded)
                    .failureHandler(signIn::failed));
        }
        http.securityMatcher(PAGE_PATHS)
                // a bearer token also opens the pages (the API description for tools); forms still need CSRF
                .addFilterBefore(new BearerTokenFilter(tokens, tickets), AnonymousAuthenticationFilter.class)
                .addFilterAfter(new ReadOnlyFilter(errors), AuthorizationFilter.class)
                .addFilterAfter(new RateLimitFilter(limiter, rateLimits, errors), ReadOnlyFilter.class)
                .authenticationProvider(new PasswordAuthenticator(passwords, throttle))
                .httpBasic(b -> b.disable())
                .requestCache(r -> r.disable())
                .headers(h -> {
                    h.defaultsDisabled();
                    RequestMatcher swaggerUi = new AntPathRequestMatcher("/swagger-ui/**");
                    RequestMatcher others = new NegatedRequestMatcher(swaggerUi);
                    SecurityHeaders.pageWriters()
                            .forEach(w -> h.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(others, w)));
                    SecurityHeaders.swaggerUiWriters()
                            .forEach(w -> h.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(swaggerUi, w)));
                })
                .formLogin(f -> f.loginPage("/login")
                        .defaultSuccessUrl("/ui", true)
                        .failureHandler((req, res, ex) -> res.sendRedirect(req.getContextPath()
                                + (ex instanceof PasswordAuthenticator.Throttled
                                        ? "/login?throttled"
                                        : "/login?error"))))
                .logout(l -> l.logoutUrl("/logout")
                        .logoutSuccessUrl("/login?signed-out")
                        .deleteCookies("clipflow_session"))
                // a new session id at sign-in (no fixation); the CSRF token is kept in the session
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED)
                        .sessionFixation(f -> f.changeSessionId()))
                .authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                        .permitAll()
                        .requestMatchers(
                                "/login",
                                "/login/oauth2/**",
                                "/oauth2/authorization/**",
                                "/webjars/**",
                                "/assets/**",
                                "/favicon.ico")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, OPERATOR_PAGES)
                        .hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers(OPERATOR_PAGES)
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"))
                        .accessDeniedHandler(PageRefusal::write));
        return http.build();
    }

    /**
     * The dashboard's session cookie is {@code SameSite=Strict}; with single sign-on configured it is {@code Lax},
     * because the provider's redirect back to {@code /login/oauth2/code/...} is a cross-site navigation, which a Strict
     * cookie is not sent with: the sign-in would find no session holding its state. CSRF tokens still guard every form
     * and htmx request either way.
     */
    @Bean
    CookieSameSiteSupplier sessionCookieSameSite(
            Environment environment, @Value("${server.servlet.session.cookie.name}") String cookie) {
        boolean sso = Binder.get(environment)
                .bind("spring.security.oauth2.client", OAuth2ClientProperties.class)
                .map(p -> !p.getRegistration().isEmpty())
                .orElse(false);
        return CookieSameSiteSupplier.of(sso ? SameSite.LAX : SameSite.STRICT).whenHasName(cookie);
    }

    @Bean
    @Order(2)
    SecurityFilterChain api(
            HttpSecurity http,
            BearerAuthenticator tokens,
            TicketService tickets,
            JsonErrorWriter errors,
            RateLimiter limiter,
            RateLimitProperties rateLimits,
            SecurityProperties properties)
            throws Exception {
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(h -> {
                    h.defaultsDisabled();
                    SecurityHeaders.writers().forEach(h::addHeaderWriter);
                })
                .addFilterBefore(new BearerTokenFilter(tokens, tickets), AnonymousAuthenticationFilter.class)
                .addFilterAfter(new ReadOnlyFilter(errors), AuthorizationFilter.class)
                .addFilterAfter(new RateLimitFilter(limiter, rateLimits, errors), ReadOnlyFilter.class)
                .authorizeHttpRequests(a -> a
                        // an SSE response's completion is an async dispatch: the request was authorized when it began
                        .dispatcherTypeMatchers(DispatcherType.ASYNC)
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/media/**")
                        .permitAll()
                        .requestMatchers("/error")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/ops/**")
                        .hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers("/api/ops/**", "/api/users/**", "/actuator/**")
                        .hasRole("ADMIN")
                        .requestMatchers("/api/**", "/ws/**")
                        .authenticated()
                        .anyRequest()
                        .denyAll())
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> {
                            res.setHeader("WWW-Authenticate", "Bearer");
                            errors.write(req, res, 401, "unauthorized", "send Authorization: Bearer <token>");
                        })
                        .accessDeniedHandler(
                                (req, res, ex) -> errors.write(req, res, 403, "forbidden", "this needs another role")));
        http.cors(c -> c.disable());
        if (properties.corsAllowedOrigins().stream().anyMatch(o -> !o.isBlank())) {
            CorsFilter cors = new CorsFilter(cors(properties.corsAllowedOrigins()));
            cors.setCorsProcessor(new JsonCorsProcessor());
            http.addFilterAfter(cors, HeaderWriterFilter.class);
        }
        return http.build();
    }

    /**
     * The firewall's refusals (encoded slashes, dot segments, {@code ;}, NUL in the path) happen before the chain runs:
     * answer them as JSON 400 with the same headers instead of the container's error page.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler(JsonErrorWriter errors) {
        return (request, response, e) -> {
            SecurityHeaders.writers().forEach(w -> w.writeHeaders(request, response));
            errors.write(request, response, 400, "bad request", "the request URL is not allowed");
        };
    }

    /** Refuses a CORS request from an origin that is not on the list with a JSON 403 (Spring's default is text). */
    private static final class JsonCorsProcessor extends DefaultCorsProcessor {
        @Override
        protected void rejectRequest(ServerHttpResponse response) throws IOException {
            response.setStatusCode(HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getBody()
                    .write("{\"error\":\"forbidden\",\"detail\":\"this origin may not call the API\"}"
                            .getBytes(StandardCharsets.UTF_8));
            response.flush();
        }
    }

    private static UrlBasedCorsConfigurationSource cors(List<String> origins) {
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(
                origins.stream().filter(o -> !o.isBlank()).map(String::trim).toList());
        config.setAllowedMethods(List.of("GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"));
        // tus clients in the browser (tus-js-client, Uppy) send and read the protocol's headers
        config.setAllowedHeaders(List.of(
                "Authorization",
                "Content-Type",
                "Tus-Resumable",
                "Upload-Length",
                "Upload-Offset",
                "Upload-Metadata",
                "Upload-Checksum",
                "X-HTTP-Method-Override"));
        config.setExposedHeaders(List.of(
                "Retry-After",
                "Location",
                "Tus-Resumable",
                "Tus-Version",
                "Tus-Extension",
                "Tus-Max-Size",
                "Upload-Offset",
                "Upload-Length",
                "Upload-Metadata",
                "Upload-Expires",
                "Clipflow-Video-Id",
                "Clipflow-Task-Id"));
        // bearer tokens, never cookies: browsers need no credentials mode
        config.setAllowCredentials(false);
        config.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", config);
        source.registerCorsConfiguration("/media/**", config);
        return source;
    }
}
