package io.vigil.ingest.clickhouse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a migration's single-server DDL into the cluster's, so one set of migration files serves both modes: each
 * table becomes a Replicated* local table ({@code <name>_local}) on every node plus a Distributed table of the original
 * name sharded by tenant, each materialized view reads and writes the local tables of its own shard, and an added
 * column is added to both tables. Every statement runs ON CLUSTER, but for the column added to a Distributed table,
 * which each node gets on its own; a statement of any other shape is refused rather than guessed at.
 *
 * <p>A view's target keeps no block deduplication: ClickHouse 18.16 does not feed a view a source block it dropped
 * as a duplicate, so the source's deduplication already covers resends, while the target's own would drop a second,
 * different INSERT whose roll-up happens to come out identical (same flows in the same minute).
 */
public final class ClusterDdl {

    /** Suffix of the per-shard tables behind the Distributed ones. */
    public static final String LOCAL = "_local";
    /** Every table leads with tenant_id: a tenant's rows, and so each sensor's batches, live on one shard. */
    public static final String SHARDING_KEY = "cityHash64(tenant_id)";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "(?s)CREATE TABLE IF NOT EXISTS \\$\\{database}\\.(\\w+)(\\s*\\(.*)");
    private static final Pattern CREATE_VIEW = Pattern.compile(
            "(?s)CREATE MATERIALIZED VIEW IF NOT EXISTS \\$\\{database}\\.(\\w+)(\\s+TO\\s+.*)");
    private static final Pattern ADD_COLUMN = Pattern.compile(
            "(?s)ALTER TABLE \\$\\{database}\\.(\\w+)(\\s+ADD COLUMN IF NOT EXISTS\\s.*)");
    private static final Pattern TABLE_REF = Pattern.compile("\\$\\{database}\\.(\\w+)");
    private static final Pattern ENGINE = Pattern.compile("ENGINE\\s*=\\s*(\\w*MergeTree)\\s*\\(");
    private static final Pattern VIEW_TARGET = Pattern.compile("\\s+TO\\s+\\$\\{database}\\.(\\w+)");
    private static final String NO_DEDUPLICATION = "replicated_deduplication_window = 0";

    private final String cluster;

    public ClusterDdl(String cluster) {
        if (!NAME.matcher(cluster).matches()) {
            throw new IllegalArgumentException("not a cluster name: " + cluster);
        }
        this.cluster = cluster;
    }

    /**
     * The cluster statements for one migration's single-server statements (still with ${database} placeholders). A
     * view's target table must be created in the same migration, so that it is created without deduplication.
     */
    public List<String> translate(List<String> statements) {
        Set<String> targets = new HashSet<>();
        Set<String> created = new HashSet<>();
        for (String statement : statements) {
            Matcher view = CREATE_VIEW.matcher(statement);
            if (view.matches()) {
                Matcher target = VIEW_TARGET.matcher(view.group(2));
                if (!target.lookingAt()) {
                    throw new IllegalStateException("cluster mode needs CREATE MATERIALIZED VIEW ... TO ${database}.<table>: "
                            + statement.lines().findFirst().orElse(""));
                }
                targets.add(target.group(1));
            }
            Matcher table = CREATE_TABLE.matcher(statement);
            if (table.matches()) {
                created.add(table.group(1));
            }
        }
        if (!created.containsAll(targets)) {
            throw new IllegalStateException("cluster mode needs each view's target table in the view's migration: "
                    + targets);
        }
        List<String> out = new ArrayList<>();
        for (String statement : statements) {
            out.addAll(translate(statement, targets));
        }
        return out;
    }

    private List<String> translate(String statement, Set<String> viewTargets) {
        Matcher table = CREATE_TABLE.matcher(statement);
        if (table.matches()) {
            return createTable(table.group(1), table.group(2), viewTargets.contains(table.group(1)));
        }
        Matcher view = CREATE_VIEW.matcher(statement);
        if (view.matches()) {
            return List.of("CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}." + view.group(1) + onCluster()
                    + TABLE_REF.matcher(view.group(2)).replaceAll("\\${database}.$1" + LOCAL));
        }
        Matcher add = ADD_COLUMN.matcher(statement);
        if (add.matches()) {
            // The replicated local tables first (one replica per shard runs it; the others follow through
            // ZooKeeper), then the Distributed table of every node, which must list the column to insert into it.
            // 18.16 refuses ALTER ... ON CLUSTER on a Distributed table over replicated shards ("isn't replicated"),
            // so that one has no ON CLUSTER: the migrator runs it on each node ({@link #onEachNode}).
            return List.of("ALTER TABLE ${database}." + add.group(1) + LOCAL + onCluster() + add.group(2),
                    "ALTER TABLE ${database}." + add.group(1) + add.group(2));
        }
        throw new IllegalStateException("cluster mode has no translation for this statement (only CREATE TABLE"
                + " ... ENGINE = *MergeTree, CREATE MATERIALIZED VIEW ... TO and ALTER TABLE ... ADD COLUMN IF NOT"
                + " EXISTS): " + statement.lines().findFirst().orElse(""));
    }

    /** True for a translated statement the migrator must run on every node in turn: one without ON CLUSTER. */
    public static boolean onEachNode(String statement) {
        return !statement.contains(" ON CLUSTER ");
    }

    /** schema_migrations: one copy on every node of the cluster (a single replicated "shard" over all of them). */
    public String migrationsTable(String database, String columns) {
        return "CREATE TABLE IF NOT EXISTS " + database + ".schema_migrations" + onCluster() + " " + columns
                + " ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/" + database
                + "/schema_migrations', '{replica}') ORDER BY version";
    }

    public String onCluster() {
        return " ON CLUSTER " + cluster;
    }

    private List<String> createTable(String name, String body, boolean viewTarget) {
        if (!body.contains("tenant_id")) {
            throw new IllegalStateException("cluster mode shards every table by tenant_id, which " + name + " lacks");
        }
        Matcher engine = ENGINE.matcher(body);
        if (!engine.find()) {
            throw new IllegalStateException("cluster mode replicates *MergeTree tables only; " + name + " is not one");
        }
        int open = engine.end() - 1;
        int close = matchingParen(body, open);
        String args = body.substring(open + 1, close).strip();
        String local = name + LOCAL;
        String replicated = "ENGINE = Replicated" + engine.group(1) + "('/clickhouse/tables/{shard}/${database}/" + local
                + "', '{replica}'" + (args.isEmpty() ? "" : ", " + args) + ")";
        String localBody = body.substring(0, engine.start()) + replicated + body.substring(close + 1);
        if (viewTarget) {
            localBody += localBody.contains("SETTINGS") ? ", " + NO_DEDUPLICATION : "\nSETTINGS " + NO_DEDUPLICATION;
        }
        return List.of(
                "CREATE TABLE IF NOT EXISTS ${database}." + local + onCluster() + localBody,
                "CREATE TABLE IF NOT EXISTS ${database}." + name + onCluster() + " AS ${database}." + local
                        + " ENGINE = Distributed(" + cluster + ", ${database}, " + local + ", " + SHARDING_KEY + ")");
    }

    private static int matchingParen(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced parentheses in: " + s);
    }
}
