package io.vigil.portal.chart;

import io.vigil.portal.api.Flow;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert's evidence as a picture: probed targets × services, each cell red when every probe of it failed (no
 * answer, refused, ICMP error) and green when one was answered, from the raw flows behind the alert. The longer axis
 * runs across, so a horizontal scan (many hosts, one port) and a vertical one (one host, many ports) both fit.
 */
public final class EvidenceGrid {

    static final int CELL = 14;
    static final String FAILED = "#c92a2a";
    static final String ANSWERED = "#2b8a3e";

    private EvidenceGrid() {
    }

    /** Probes of one target on one service. */
    record Cell(long failed, long answered) {
        Cell plus(Flow f) {
            return f.failed() ? new Cell(failed + 1, answered) : new Cell(failed, answered + 1);
        }
    }

    /** The picture, at most {@code maxAcross} × {@code maxDown} cells; an empty string when there are no flows. */
    public static String svg(List<Flow> flows, int maxAcross, int maxDown) {
        if (flows.isEmpty()) {
            return "";
        }
        Map<String, Map<String, Cell>> grid = new TreeMap<>(Comparator.comparing(EvidenceGrid::addressKey));
        Map<String, Integer> services = new TreeMap<>(Comparator.comparing(EvidenceGrid::serviceKey));
        long failed = 0;
        long answered = 0;
        for (Flow f : flows) {
            grid.computeIfAbsent(f.target(), t -> new LinkedHashMap<>()).merge(f.service(), new Cell(0, 0).plus(f),
                    (a, b) -> new Cell(a.failed() + b.failed(), a.answered() + b.answered()));
            services.merge(f.service(), 1, Integer::sum);
            if (f.failed()) {
                failed++;
            } else {
                answered++;
            }
        }
        List<String> targets = new ArrayList<>(grid.keySet());
        List<String> ports = new ArrayList<>(services.keySet());
        boolean targetsAcross = targets.size() >= ports.size();
        List<String> across = cap(targetsAcross ? targets : ports, maxAcross);
        List<String> down = cap(targetsAcross ? ports : targets, maxDown);

        int labelW = 8 * down.stream().mapToInt(String::length).max().orElse(4) + 12;
        int labelH = 7 * across.stream().mapToInt(String::length).max().orElse(4) + 12;
        // rotated labels lean right: leave room for the last one
        int width = labelW + across.size() * CELL + labelH / 2 + 10;
        int height = labelH + down.size() * CELL + 40;
        StringBuilder s = new StringBuilder();
        String label = flows.size() + " probe flows to " + targets.size() + " targets on " + ports.size() + " services: "
                + failed + " failed, " + answered + " answered";
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"evidence\" role=\"img\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" aria-label=\"").append(Svg.esc(label)).append("\"><title>").append(Svg.esc(label)).append("</title>");
        s.append("<g font-family=\"monospace\" font-size=\"11\" fill=\"#333\">");
        for (int i = 0; i < across.size(); i++) {
            int x = labelW + i * CELL + CELL / 2 + 4;
            s.append("<text transform=\"translate(").append(x).append(',').append(labelH - 4)
                    .append(") rotate(-60)\">").append(Svg.esc(across.get(i))).append("</text>");
        }
        for (int j = 0; j < down.size(); j++) {
            s.append("<text x=\"").append(labelW - 6).append("\" y=\"").append(labelH + j * CELL + CELL - 3)
                    .append("\" text-anchor=\"end\">").append(Svg.esc(down.get(j))).append("</text>");
        }
        s.append("</g>");
        for (int i = 0; i < across.size(); i++) {
            for (int j = 0; j < down.size(); j++) {
                String target = targetsAcross ? across.get(i) : down.get(j);
                String port = targetsAcross ? down.get(j) : across.get(i);
                Cell c = grid.get(target).get(port);
                String fill = c == null ? "#f1f3f5" : c.answered() > 0 ? ANSWERED : FAILED;
                s.append("<rect x=\"").append(labelW + i * CELL).append("\" y=\"").append(labelH + j * CELL)
                        .append("\" width=\"").append(CELL - 2).append("\" height=\"").append(CELL - 2)
                        .append("\" fill=\"").append(fill).append("\">");
                if (c != null) {
                    s.append("<title>").append(Svg.esc(target + " " + port + ": " + c.failed() + " failed, "
                            + c.answered() + " answered")).append("</title>");
                }
                s.append("</rect>");
            }
        }
        int y = labelH + down.size() * CELL + 22;
        s.append("<g font-family=\"sans-serif\" font-size=\"12\" fill=\"#333\">")
                .append("<rect x=\"").append(labelW).append("\" y=\"").append(y - 10).append("\" width=\"10\" height=\"10\" fill=\"")
                .append(FAILED).append("\"/><text x=\"").append(labelW + 14).append("\" y=\"").append(y).append("\">failed</text>")
                .append("<rect x=\"").append(labelW + 70).append("\" y=\"").append(y - 10).append("\" width=\"10\" height=\"10\" fill=\"")
                .append(ANSWERED).append("\"/><text x=\"").append(labelW + 84).append("\" y=\"").append(y).append("\">answered</text>");
        if (across.size() < (targetsAcross ? targets : ports).size() || down.size() < (targetsAcross ? ports : targets).size()) {
            s.append("<text x=\"").append(labelW + 170).append("\" y=\"").append(y).append("\">showing ").append(across.size())
                    .append(" × ").append(down.size()).append(" of ").append(targets.size()).append(" targets × ")
                    .append(ports.size()).append(" services</text>");
        }
        return s.append("</g></svg>").toString();
    }

    private static List<String> cap(List<String> l, int max) {
        return l.size() <= max ? l : l.subList(0, max);
    }

    /** Addresses in numeric order (10.0.0.9 before 10.0.0.10); anything unparsable after them, by text. */
    static String addressKey(String ip) {
        try {
            if (ip.matches("[0-9a-fA-F:.]+")) {
                return String.format("%040d", new BigInteger(1, InetAddress.getByName(ip).getAddress()));
            }
        } catch (UnknownHostException notAnAddress) {
            // sorted by text below
        }
        return "~" + ip;
    }

    /** "22/tcp" by port, then protocol. */
    static String serviceKey(String service) {
        int slash = service.indexOf('/');
        try {
            return String.format("%05d%s", Integer.parseInt(service.substring(0, slash)), service.substring(slash));
        } catch (RuntimeException odd) {
            return "~" + service;
        }
    }
}
