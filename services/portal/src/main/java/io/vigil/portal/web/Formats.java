package io.vigil.portal.web;

import io.quarkus.qute.TemplateExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the pages write times and statuses: UTC to the minute, and "5 min ago" for recency. */
@TemplateExtension
public final class Formats {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Formats() {
    }

    static String utc(Instant t) {
        return t == null ? "—" : UTC.format(t);
    }

    /** To the millisecond, for flows. */
    static String time(Instant t) {
        return t == null ? "—" : TIME.format(t);
    }

    static String ago(Instant t) {
        if (t == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(t, Instant.now()).getSeconds());
        if (s < 90) {
            return s + " s ago";
        }
        if (s < 90 * 60) {
            return s / 60 + " min ago";
        }
        if (s < 48 * 3600) {
            return s / 3600 + " h ago";
        }
        return s / 86400 + " days ago";
    }

    /** A CSS class for a severity or status word ("sev-high", "st-open"). */
    static String css(String word) {
        return word == null ? "" : word.toLowerCase().replace('_', '-');
    }
}
