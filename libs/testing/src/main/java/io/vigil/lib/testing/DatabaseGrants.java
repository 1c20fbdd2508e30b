package io.vigil.lib.testing;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Checks what a service's own database logins may reach, asked of PostgreSQL and ClickHouse as those logins: each
 * service logs in as its own user (scripts/stack, k8s/), so tenants and detection cannot read or change each other's
 * tables, and only ingest writes to ClickHouse. Throws {@link AssertionError} naming what it found.
 */
public final class DatabaseGrants {

    private DatabaseGrants() {
    }

    /**
     * PostgreSQL: the login is {@code role}, neither a superuser nor a role creator, may read, write or create in no
     * schema but {@code schema}, and reads its own {@code ownTable}.
     *
     * @param firstColumn runs a query as the service's login and returns its first column as text
     */
    public static void assertOwnsOnlyItsSchema(String role, String schema, String ownTable,
                                               Function<String, List<String>> firstColumn) {
        check(List.of(role), firstColumn.apply("SELECT current_user::text"), "the login");
        check(List.of("false"), firstColumn.apply("SELECT (rolsuper OR rolcreaterole)::text FROM pg_roles"
                + " WHERE rolname = current_user"), role + " is a superuser or may create roles");
        check(List.of(), firstColumn.apply("SELECT n.nspname || '.' || c.relname FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname <> '" + schema + "'"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
                + " AND has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')"
                + " ORDER BY 1"), "tables outside schema " + schema + " that " + role + " reaches");
        check(List.of(), firstColumn.apply("SELECT nspname::text FROM pg_namespace WHERE nspname <> '" + schema + "'"
                + " AND has_schema_privilege(oid, 'CREATE') ORDER BY 1"), "schemas " + role + " may create in");
        check(1, firstColumn.apply("SELECT count(*)::text FROM " + schema + "." + ownTable).size(), "its own table");
    }

    /**
     * ClickHouse: the login reads {@code table} of {@code database}, and neither an INSERT into it nor a CREATE TABLE
     * gets through ("... in readonly mode").
     *
     * @param select  runs a query as the service's login
     * @param execute runs a statement as the service's login; throws when ClickHouse refuses it
     */
    public static void assertClickHouseReadOnly(String database, String table, Consumer<String> select,
                                                Consumer<String> execute) {
        select.accept("SELECT count() AS n FROM " + database + "." + table);
        refused(execute, "INSERT INTO " + database + "." + table + " (tenant_id) VALUES ('database-grants-check')");
        refused(execute, "CREATE TABLE " + database + ".database_grants_check (x UInt8) ENGINE = Memory");
    }

    private static void refused(Consumer<String> execute, String statement) {
        try {
            execute.accept(statement);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("readonly mode")) {
                return;
            }
            throw new AssertionError("refused, but not as read-only: " + statement + ": " + e.getMessage(), e);
        }
        throw new AssertionError("ClickHouse ran what a read-only user may not: " + statement);
    }

    private static void check(Object expected, Object actual, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": expected " + expected + " but was " + actual);
        }
    }
}
