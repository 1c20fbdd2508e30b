package io.vigil.portal.alert;

import io.vigil.portal.api.Alert;
import io.vigil.portal.api.Comment;
import io.vigil.portal.api.Customer;

import java.util.List;

/**
 * Everything the alert detail page shows.
 *
 * @param evidence     the targets × services picture (SVG), empty when detection holds no flows for it any more
 * @param uploads      an upload's bytes sent out per minute (SVG), empty for other alerts and for evidence without a
 *                     timeline
 * @param observed     the source against its baseline (SVG), empty without baseline figures
 * @param suppressCidr the suppression's source as the form proposes it (the alert's source alone); null when the
 *                     source is no address (a distributed scan's key)
 * @param suppressPort the one port probed, if only one was
 */
public record AlertDetail(Customer customer, Alert alert, List<Comment> comments, String evidence, int flowCount,
                          String uploads, String observed, String suppressCidr, Integer suppressPort) {

    static final int SOURCES = 20;

    /** ATT&CK technique names for the ids detection uses. */
    public String mitreName(String id) {
        return switch (id) {
            case "T1046" -> "Network Service Discovery";
            case "T1595" -> "Active Scanning";
            case "T1018" -> "Remote System Discovery";
            case "T1021.001" -> "Remote Services: Remote Desktop Protocol";
            case "T1021.002" -> "Remote Services: SMB/Windows Admin Shares";
            case "T1021.003" -> "Remote Services: Distributed Component Object Model";
            case "T1021.004" -> "Remote Services: SSH";
            case "T1021.005" -> "Remote Services: VNC";
            case "T1021.006" -> "Remote Services: Windows Remote Management";
            case "T1021" -> "Remote Services";
            case "T1110" -> "Brute Force";
            case "T1110.003" -> "Brute Force: Password Spraying";
            case "T1041" -> "Exfiltration Over C2 Channel";
            case "T1048" -> "Exfiltration Over Alternative Protocol";
            case "T1074" -> "Data Staged";
            default -> id;
        };
    }

    /** Sources listed by address on the page (a distributed scan has many); the rest are counted. */
    public List<String> sourcesShown() {
        List<String> all = alert.sources() == null ? List.of() : alert.sources();
        return all.subList(0, Math.min(SOURCES, all.size()));
    }

    public String baselineText() {
        return alert.baseline() == null ? null : alert.baseline().path("text").asText(null);
    }

    public String baselineState() {
        return alert.baseline() == null ? "NONE" : alert.baseline().path("state").asText("NONE");
    }
}
