package io.vigil.portal.alert;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertFilterTest {

    @Test
    void aTypeOfAnotherFamilyIsDroppedWhenAFamilyIsChosen() {
        assertNull(AlertFilter.of(null, null, "COMMAND_AND_CONTROL", "VERTICAL", null, null).type());
        assertEquals("VERTICAL", AlertFilter.of(null, null, "RECONNAISSANCE", "VERTICAL", null, null).type());
        assertEquals("VERTICAL", AlertFilter.of(null, null, null, "VERTICAL", null, null).type());
        // a type the portal does not know may be the chosen family's: detection decides
        assertEquals("BEACONING", AlertFilter.of(null, null, "COMMAND_AND_CONTROL", "BEACONING", null, null).type());
    }

    @Test
    void typeOptionsAreGroupedByFamilyAndOnlyTheChosenFamilysAreShown() {
        AlertFilter any = AlertFilter.of(null, null, null, null, null, null);
        assertEquals(List.of("horizontal", "vertical", "host sweep", "UDP", "stealth", "distributed"),
                any.typeGroups().get(0).types().stream().map(AlertFilter.Choice::label).toList());
        assertTrue(any.typeGroups().stream().allMatch(AlertFilter.TypeGroup::shown));
        AlertFilter c2 = AlertFilter.of(null, null, "COMMAND_AND_CONTROL", null, null, null);
        assertFalse(c2.typeGroups().stream().anyMatch(AlertFilter.TypeGroup::shown), "command and control has no types yet");
        assertEquals("Command and Control", c2.families().get(1).label());
    }

    @Test
    void anUnknownTypeAskedForStaysSelectable() {
        assertEquals(new AlertFilter.Choice("BEACONING", "beaconing"),
                AlertFilter.of(null, null, null, "BEACONING", null, null).otherType());
        assertNull(AlertFilter.of(null, null, null, "VERTICAL", null, null).otherType());
    }

    @Test
    void theQueryCarriesTheFamily() {
        assertEquals("?customer=c1&status=ALL&family=RECONNAISSANCE&type=DISTRIBUTED&source=23%2Ftcp+10.78.0.0%2F24",
                AlertFilter.of("c1", "ALL", "RECONNAISSANCE", "DISTRIBUTED", "", "23/tcp 10.78.0.0/24").query());
    }
}
