package io.vigil.portal.chart;

import io.vigil.portal.api.Flow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvidenceGridTest {

    private static Flow probe(String target, int port, String state) {
        return new Flow(0, 1, "10.0.0.5", 40000, target, port, 6, state, "S", 1, 44, state.equals("SF") ? 3 : 0, 0, 0, 0, null, null, 0);
    }

    @Test
    void horizontalScanPutsTargetsAcrossAndColoursFailedAndAnswered() {
        List<Flow> flows = List.of(probe("10.0.0.10", 22, "S0"), probe("10.0.0.9", 22, "REJ"), probe("10.0.0.11", 22, "SF"));
        String svg = EvidenceGrid.svg(flows, 64, 40);
        assertEquals(2, Drawn.count(svg, "fill=\"" + EvidenceGrid.FAILED + "\">"), svg);
        assertEquals(1, Drawn.count(svg, "fill=\"" + EvidenceGrid.ANSWERED + "\">"), svg);
        assertTrue(svg.contains("3 probe flows to 3 targets on 1 services: 2 failed, 1 answered"), svg);
        // numeric address order: .9 before .10 before .11, across the top
        assertTrue(svg.indexOf(">10.0.0.9<") < svg.indexOf(">10.0.0.10<") && svg.indexOf(">10.0.0.10<") < svg.indexOf(">10.0.0.11<"), svg);
        assertTrue(svg.contains("rotate(-60)\">10.0.0.9</text>"), svg);
    }

    @Test
    void largeScansAreCappedAndSayWhatIsShown() {
        List<Flow> flows = new ArrayList<>();
        for (int port = 1; port <= 100; port++) {
            flows.add(probe("10.0.0.10", port, "REJ"));
        }
        String svg = EvidenceGrid.svg(flows, 64, 40);
        assertEquals(64, Drawn.count(svg, "<rect x=") - 2, "64 cells plus the two legend squares");
        assertTrue(svg.contains("showing 64 × 1 of 1 targets × 100 services"), svg);
    }

    @Test
    void textIsEscapedAndNoFlowsMeansNoPicture() {
        assertEquals("", EvidenceGrid.svg(List.of(), 64, 40));
        String svg = EvidenceGrid.svg(List.of(probe("<x>", 1, "S0")), 64, 40);
        assertTrue(svg.contains("&lt;x&gt;") && !svg.contains("<x>"), svg);
    }
}
