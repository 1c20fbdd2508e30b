package io.vigil.lib.clickhouse;

/** Quotes values for ClickHouse SQL text: 18.16 has no server-side query parameters. */
public final class Sql {

    private Sql() {
    }

    /** A single-quoted string literal with backslashes and quotes escaped. */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('\'').toString();
    }
}
