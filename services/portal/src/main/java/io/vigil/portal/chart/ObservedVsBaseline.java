package io.vigil.portal.chart;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An alert's source against its own baseline: per compared figure, the observed value as a bar beside the baseline's
 * p99 (a tick), on one scale, red where it went above the limit and grey where there is no baseline to compare with.
 * Empty when detection compared nothing (an external source).
 */
public final class ObservedVsBaseline {

    private ObservedVsBaseline() {
    }

    public static String svg(JsonNode baseline) {
        JsonNode comparisons = baseline == null ? null : baseline.path("comparisons");
        if (comparisons == null || !comparisons.isArray() || comparisons.isEmpty()) {
            return "";
        }
        int rowH = 26;
        int left = 170;
        int barW = 360;
        int height = comparisons.size() * rowH + 24;
        StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"observed\" role=\"img\" width=\"")
                .append(left + barW + 150).append("\" height=\"").append(height)
                .append("\" aria-label=\"").append(Svg.esc(baseline.path("text").asText("observed vs baseline")))
                .append("\"><g font-family=\"sans-serif\" font-size=\"12\" fill=\"#333\">");
        long max = 1;
        for (JsonNode c : comparisons) {
            max = Math.max(max, Math.max(c.path("observed").asLong(), c.path("p99").asLong(-1)));
        }
        int y = 4;
        for (JsonNode c : comparisons) {
            long observed = c.path("observed").asLong();
            long p99 = c.path("p99").asLong(-1);
            boolean exceeded = p99 >= 0 && c.path("exceeded").asBoolean();
            int w = (int) Math.round((double) barW * observed / max);
            String metric = c.path("metric").asText().toLowerCase().replace('_', ' ');
            s.append("<text x=\"").append(left - 8).append("\" y=\"").append(y + 14).append("\" text-anchor=\"end\">")
                    .append(Svg.esc(metric)).append("</text>");
            s.append("<rect x=\"").append(left).append("\" y=\"").append(y + 3).append("\" width=\"").append(Math.max(w, 1))
                    .append("\" height=\"14\" fill=\"").append(exceeded ? EvidenceGrid.FAILED : "#868e96").append("\"/>");
            String figures = "observed " + observed + (p99 >= 0 ? " vs p99 " + p99 : " (no baseline)");
            if (p99 >= 0) {
                int x = left + (int) Math.round((double) barW * p99 / max);
                s.append("<line x1=\"").append(x).append("\" y1=\"").append(y).append("\" x2=\"").append(x).append("\" y2=\"")
                        .append(y + 20).append("\" stroke=\"#1864ab\" stroke-width=\"3\"/>");
            }
            s.append("<text x=\"").append(left + barW + 8).append("\" y=\"").append(y + 14).append("\">")
                    .append(Svg.esc(figures)).append("</text>");
            y += rowH;
        }
        s.append("<text x=\"").append(left).append("\" y=\"").append(y + 12).append("\">bar: observed · blue tick: baseline p99</text>");
        return s.append("</g></svg>").toString();
    }
}
