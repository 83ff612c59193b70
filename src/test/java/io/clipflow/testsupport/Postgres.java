package io.clipflow.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The machine's PostgreSQL (127.0.0.1:5432, database {@code test}), one throw-away schema per test class. */
public final class Postgres {

    public static final String URL =
            System.getProperty("clipflow.test.postgres-url", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("clipflow.test.postgres-user", "postgres");

    private Postgres() {}

    public static String newSchemaName() {
        return "clipflow_it_" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static boolean reachable() {
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    public static void assumeReachable() {
        Assumptions.assumeTrue(reachable(), "PostgreSQL does not answer at " + URL);
    }

    public static void register(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", () -> URL + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
    }

    public static void dropSchema(String schema) {
        if (!reachable()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(URL, USER, "");
                Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
