package io.clipflow.testsupport;

import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A real OpenID provider for tests: Spring Authorization Server, in its own application context on a free loopback
 * port, with one client ({@code clipflow} / {@link #CLIENT_SECRET}) that may come back to any
 * {@code http://127.0.0.1:<port>/login/oauth2/code/sso} (loopback redirects may vary their port, RFC 8252 §7.3), and
 * two users: {@code olga} (ADMIN) and {@code ivan} (USER), password {@link #PASSWORD}. Its ID tokens carry {@code
 * preferred_username} and {@code roles}. Browsers and Clipflow reach it as {@code localhost}, so it is another site
 * than Clipflow's {@code 127.0.0.1}, as a real provider is.
 */
public final class OidcProvider implements AutoCloseable {

    public static final String CLIENT_ID = "clipflow";
    public static final String CLIENT_SECRET = "clipflow-test-secret";
    public static final String PASSWORD = "provider-password";

    private final ConfigurableApplicationContext context;

    private OidcProvider(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static OidcProvider start() {
        String client = "spring.security.oauth2.authorizationserver.client.clipflow.";
        Map<String, Object> properties = Map.ofEntries(
                // not Clipflow's application.yaml
                Map.entry("spring.config.name", "oidc-provider"),
                Map.entry("server.port", "0"),
                Map.entry("spring.main.banner-mode", "off"),
                Map.entry(client + "registration.client-id", CLIENT_ID),
                Map.entry(client + "registration.client-secret", "{noop}" + CLIENT_SECRET),
                Map.entry(client + "registration.client-authentication-methods", "client_secret_basic"),
                Map.entry(client + "registration.authorization-grant-types", "authorization_code"),
                Map.entry(client + "registration.redirect-uris", "http://127.0.0.1/login/oauth2/code/sso"),
                Map.entry(client + "registration.scopes", "openid,profile"),
                Map.entry(client + "require-authorization-consent", "false"));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Provider.class)
                .web(WebApplicationType.SERVLET)
                .properties(properties)
                .run();
        return new OidcProvider(context);
    }

    /** The issuer, as Clipflow's {@code spring.security.oauth2.client.provider.sso.issuer-uri}. */
    public String issuer() {
        return "http://localhost:"
                + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Override
    public void close() {
        context.close();
    }

    /** Not a {@code @Configuration}: Clipflow's test contexts scan this package, and must not pick it up. */
    @ImportAutoConfiguration({
        PropertyPlaceholderAutoConfiguration.class,
        ServletWebServerFactoryAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class,
        JacksonAutoConfiguration.class,
        SecurityAutoConfiguration.class,
        SecurityFilterAutoConfiguration.class,
        OAuth2AuthorizationServerAutoConfiguration.class,
        OAuth2AuthorizationServerJwtAutoConfiguration.class
    })
    static class Provider {

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("olga")
                            .password("{noop}" + PASSWORD)
                            .roles("ADMIN")
                            .build(),
                    User.withUsername("ivan")
                            .password("{noop}" + PASSWORD)
                            .roles("USER")
                            .build());
        }

        /** The ID token names the user and carries their roles, as Keycloak or Entra ID can be set up to. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims() {
            return context -> {
                if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    List<String> roles = context.getPrincipal().getAuthorities().stream()
                            .map(GrantedAuthority::getAuthority)
                            .map(a -> a.replaceFirst("^ROLE_", ""))
                            .toList();
                    context.getClaims()
                            .claim("preferred_username", context.getPrincipal().getName())
                            .claim("roles", roles);
                }
            };
        }
    }
}
