package io.vigil.detection.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A CEF reader written from the standard, independent of Cef, so tests check what a SIEM would read. */
public final class CefParser {

    private CefParser() {
    }

    /** The six header fields after "CEF:0" (vendor, product, version, signature id, name, severity) and the extensions, unescaped. */
    public record Parsed(List<String> header, Map<String, String> extensions) {
    }

    public static Parsed parse(String line) {
        if (!line.startsWith("CEF:0|")) {
            throw new IllegalArgumentException("not CEF:0: " + line);
        }
        List<String> header = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 6;
        while (header.size() < 6) {
            char c = line.charAt(i++);
            if (c == '\\') {
                cur.append(line.charAt(i++));
            } else if (c == '|') {
                header.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        String ext = line.substring(i);
        // Split at unescaped '=': each key is the last word before it.
        Map<String, String> out = new LinkedHashMap<>();
        List<int[]> keys = new ArrayList<>();
        for (int j = 0; j < ext.length(); j++) {
            if (ext.charAt(j) == '\\') {
                j++;
            } else if (ext.charAt(j) == '=') {
                int k = j - 1;
                while (k >= 0 && ext.charAt(k) != ' ') {
                    k--;
                }
                keys.add(new int[]{k + 1, j});
            }
        }
        for (int n = 0; n < keys.size(); n++) {
            int[] key = keys.get(n);
            int end = n + 1 < keys.size() ? keys.get(n + 1)[0] - 1 : ext.length();
            out.put(ext.substring(key[0], key[1]), unescape(ext.substring(key[1] + 1, end)));
        }
        return new Parsed(header, out);
    }

    private static String unescape(String v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                sb.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
