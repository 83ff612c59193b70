package io.clipflow.task;

import io.clipflow.testsupport.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The task search contract on PostgreSQL (trigram indexes, custom plans); skipped when none answers. */
class TaskSearchPostgresIT extends TaskSearchContract {

    static final String SCHEMA = Postgres.newSchemaName();

    @BeforeAll
    static void requirePostgres() {
        Postgres.assumeReachable();
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Postgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() {
        Postgres.dropSchema(SCHEMA);
    }
}
