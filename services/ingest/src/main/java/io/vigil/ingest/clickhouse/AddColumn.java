package io.vigil.ingest.clickhouse;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration's {@code ALTER TABLE <db>.<table> [ON CLUSTER c] ADD COLUMN IF NOT EXISTS <name> ...}. ClickHouse 18.16
 * cannot parse that IF NOT EXISTS, so the migrator asks {@code system.columns} first and runs {@link #unguarded()}
 * only where the column is missing: the statement stays idempotent on every server version.
 */
public record AddColumn(String database, String table, String column, String unguarded) {

    private static final Pattern SHAPE = Pattern.compile(
            "(?s)(ALTER TABLE (\\w+)\\.(\\w+)(?: ON CLUSTER \\w+)? ADD COLUMN) IF NOT EXISTS ((\\w+)\\s.*)");

    /** The statement as an added column, or empty when it is some other statement. */
    public static Optional<AddColumn> of(String statement) {
        Matcher m = SHAPE.matcher(statement.strip());
        return m.matches()
                ? Optional.of(new AddColumn(m.group(2), m.group(3), m.group(5), m.group(1) + " " + m.group(4)))
                : Optional.empty();
    }

    /** Counts the column in system.columns: 1 where it exists, 0 where it must be added. */
    public String existsQuery() {
        return "SELECT count() AS n FROM system.columns WHERE database = '" + database + "' AND table = '" + table
                + "' AND name = '" + column + "'";
    }
}
