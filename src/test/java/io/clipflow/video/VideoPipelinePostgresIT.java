package io.clipflow.video;

import io.clipflow.testsupport.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The pipeline contract on PostgreSQL (a schema of its own in the local server); skipped when none answers. */
class VideoPipelinePostgresIT extends VideoPipelineContract {

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
