package io.vigil.ingest.retention;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.ingest.support.Stack;

/** {@link RetentionChecks} on the stack's single ClickHouse server. */
@QuarkusTest
@QuarkusTestResource(value = RetentionChecks.Resources.class, restrictToAnnotatedClass = true)
class RetentionIT extends RetentionChecks {

    private static final Resources SINGLE = new Resources();

    @Override
    String fixtureUrl() {
        return Stack.CLICKHOUSE;
    }

    @Override
    Resources resources() {
        return SINGLE;
    }
}
