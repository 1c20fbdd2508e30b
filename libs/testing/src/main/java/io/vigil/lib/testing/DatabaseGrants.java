package io.vigil.lib.testing;

/**
 * What a service's own database login may reach beyond its own schema, asked of PostgreSQL and ClickHouse as that
 * login: the queries behind each service's {@code DatabaseUsersIT}. Each service logs in as its own user (scripts/stack,
 * k8s/), so tenants and detection cannot read or change each other's tables, and only ingest writes to ClickHouse.
 */
public final class DatabaseGrants {

    /**
     * PostgreSQL: every table, view or sequence outside the schema {@code $1} (and the system catalogues) that the
     * current login may read or change in any way. A service's login must get no rows.
     */
    public static final String FOREIGN_RELATIONS = "SELECT n.nspname || '.' || c.relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname <> $1"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
            + " AND has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')"
            + " ORDER BY 1";

    /** PostgreSQL: the schemas other than {@code $1} in which the current login may create objects. */
    public static final String FOREIGN_CREATE_SCHEMAS = "SELECT nspname FROM pg_namespace"
            + " WHERE nspname <> $1 AND has_schema_privilege(oid, 'CREATE') ORDER BY 1";

    /** PostgreSQL: the current login, and whether it is a superuser or may create roles (a service's may not). */
    public static final String LOGIN = "SELECT rolname, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user";

    /** ClickHouse's answer to a write by a read-only user (readonly = 2): "Cannot insert into table in readonly mode". */
    public static final String CLICKHOUSE_READONLY = "readonly mode";

    private DatabaseGrants() {
    }
}
