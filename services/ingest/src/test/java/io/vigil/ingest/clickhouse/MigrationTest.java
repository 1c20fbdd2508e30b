package io.vigil.ingest.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationTest {

    @Test
    void indexListsEveryMigrationFileInVersionOrder() throws IOException {
        List<String> files;
        try (Stream<Path> dir = Files.list(Path.of("src/main/resources/clickhouse/migrations"))) {
            files = dir.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        }
        List<String> indexed = SchemaMigrator.load().stream()
                .map(m -> String.format("V%03d__%s.sql", m.version(), m.name())).toList();
        assertEquals(files, indexed);
    }

    @Test
    void splitsStatementsAndNamesTheDatabase() {
        Migration m = Migration.of("V007__two.sql", """
                -- a comment; with a semicolon
                CREATE TABLE ${database}.a (x UInt8)
                ENGINE = Memory;

                CREATE VIEW ${database}.b AS SELECT x FROM ${database}.a;
                """);
        assertEquals(7, m.version());
        assertEquals(List.of("CREATE TABLE db1.a (x UInt8)\nENGINE = Memory",
                "CREATE VIEW db1.b AS SELECT x FROM db1.a"), m.statements("db1"));
    }

    @Test
    void everyStatementIsIdempotent() {
        for (Migration m : SchemaMigrator.load()) {
            for (String statement : m.statements("vigil")) {
                assertTrue(statement.contains("IF NOT EXISTS"), m.name() + ": " + statement.lines().findFirst().orElse(""));
            }
        }
    }
}
