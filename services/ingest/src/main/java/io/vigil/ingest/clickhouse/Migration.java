package io.vigil.ingest.clickhouse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One versioned schema step: a V<version>__<name>.sql resource split into statements. */
public record Migration(int version, String name, String sql) {

    private static final Pattern FILE = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

    public static Migration of(String fileName, String sql) {
        Matcher m = FILE.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("migration file " + fileName + " is not named V<version>__<name>.sql");
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2), sql);
    }

    /** SHA-256 of the text, recorded when applied so that an edited migration is noticed. */
    public String checksum() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The statements, with ${database} replaced; a statement ends with ';' at the end of a line. */
    public List<String> statements(String database) {
        return split().stream().map(s -> s.replace("${database}", database)).toList();
    }

    /** The same statements for a cluster: replicated local tables, Distributed tables over them, ON CLUSTER. */
    public List<String> clusterStatements(String database, ClusterDdl cluster) {
        return cluster.translate(split()).stream().map(s -> s.replace("${database}", database)).toList();
    }

    private List<String> split() {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                statements.add(finish(current));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(finish(current));
        }
        return statements;
    }

    private static String finish(StringBuilder statement) {
        String text = statement.toString().strip();
        if (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }
}
