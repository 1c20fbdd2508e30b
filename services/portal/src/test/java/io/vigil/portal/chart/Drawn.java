package io.vigil.portal.chart;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the chart tests read from a drawn picture. */
final class Drawn {

    private Drawn() {
    }

    /** How many times {@code text} occurs in {@code svg}. */
    static int count(String svg, String text) {
        Matcher m = Pattern.compile(Pattern.quote(text)).matcher(svg);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
