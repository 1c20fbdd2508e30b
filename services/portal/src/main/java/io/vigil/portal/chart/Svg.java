package io.vigil.portal.chart;

/** Escaping for text put into server-rendered SVG. */
final class Svg {

    private Svg() {
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
