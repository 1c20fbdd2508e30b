package io.vigil.detection.family;

import java.util.Locale;

/** How the families write quantities in summaries and evidence, one way for all of them. */
public final class Units {

    private Units() {
    }

    /** "812 B", "1.4 KB", "150.2 MB", "1.3 GB": decimal units, as an analyst compares them with a link's speed. */
    public static String bytes(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return n >= 1_000 ? String.format(Locale.ROOT, "%.1f KB", n / 1e3) : n + " B";
    }
}
