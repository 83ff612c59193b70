package io.clipflow.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Every API call and WebSocket needs a bearer token (or, for live events, a one-time ticket); operations need ADMIN; media is public to whoever holds a signed URL (the
 * controller checks the signature); health is public so load balancers can probe it. Everything else is denied.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain api(HttpSecurity http, TokenService tokens, TicketService tickets, ObjectMapper json)
            throws Exception {
        http.csrf(c -> c.disable())
                .cors(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(tokens, tickets), AnonymousAuthenticationFilter.class)
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
                        .requestMatchers("/api/ops/**", "/api/users/**", "/actuator/**")
                        .hasRole("ADMIN")
                        .requestMatchers("/api/**", "/ws/**")
                        .authenticated()
                        .anyRequest()
                        .denyAll())
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) ->
                                write(res, json, 401, "unauthorized", "send Authorization: Bearer <token>"))
                        .accessDeniedHandler(
                                (req, res, ex) -> write(res, json, 403, "forbidden", "this needs another role")));
        return http.build();
    }

    private static void write(HttpServletResponse response, ObjectMapper json, int status, String error, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        json.writeValue(response.getOutputStream(), body);
    }
}
