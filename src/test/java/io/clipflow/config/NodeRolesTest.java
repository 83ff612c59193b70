package io.clipflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class NodeRolesTest {

    @Test
    void derivesOneFlagPerRole() {
        MockEnvironment env = new MockEnvironment().withProperty("clipflow.roles", " worker , SCHEDULER");
        new NodeRoles().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("clipflow.role.web", Boolean.class)).isFalse();
        assertThat(env.getProperty("clipflow.role.worker", Boolean.class)).isTrue();
        assertThat(env.getProperty("clipflow.role.scheduler", Boolean.class)).isTrue();
    }

    @Test
    void allRolesByDefault() {
        MockEnvironment env = new MockEnvironment();
        new NodeRoles().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("clipflow.role.web", Boolean.class)).isTrue();
        assertThat(env.getProperty("clipflow.role.worker", Boolean.class)).isTrue();
        assertThat(env.getProperty("clipflow.role.scheduler", Boolean.class)).isTrue();
    }

    @Test
    void refusesAnUnknownRole() {
        assertThatThrownBy(() -> NodeRoles.parse("web,beat"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beat");
    }
}
