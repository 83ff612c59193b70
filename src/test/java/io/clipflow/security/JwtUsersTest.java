package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtUsersTest {

    @Test
    void findsTheAdminRoleInAListAStringOrANestedClaim() {
        assertThat(JwtUsers.hasRole(Map.of("roles", List.of("viewer", "Admin")), "roles", "ADMIN"))
                .isTrue();
        assertThat(JwtUsers.hasRole(Map.of("scope", "read ROLE_ADMIN"), "scope", "ADMIN"))
                .isTrue();
        assertThat(JwtUsers.hasRole(
                        Map.of("realm_access", Map.of("roles", List.of("clipflow-admin"))),
                        "realm_access.roles",
                        "clipflow-admin"))
                .isTrue();
    }

    @Test
    void everythingElseIsNotAdmin() {
        assertThat(JwtUsers.hasRole(Map.of("roles", List.of("administrator")), "roles", "ADMIN"))
                .isFalse();
        assertThat(JwtUsers.hasRole(Map.of(), "roles", "ADMIN")).isFalse();
        assertThat(JwtUsers.hasRole(Map.of("roles", 42), "roles", "ADMIN")).isFalse();
        assertThat(JwtUsers.hasRole(Map.of("realm_access", "ADMIN"), "realm_access.roles", "ADMIN"))
                .isFalse();
    }

    @Test
    void onlyDottedThreePartTokensAreTriedAsJwts() {
        assertThat(JwtUsers.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"))
                .isTrue();
        assertThat(JwtUsers.looksLikeJwt("cf_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"))
                .isFalse();
        assertThat(JwtUsers.looksLikeJwt("a.b")).isFalse();
    }
}
