package io.vigil.portal.overview;

import io.vigil.portal.overview.FamilyCount.TypeCount;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FamilyCountTest {

    @Test
    void groupsTypesUnderTheirFamilyInDetectionsOrderMostFirst() {
        List<FamilyCount> groups = FamilyCount.of(Map.of("RECONNAISSANCE", 4L, "ASSET", 0L),
                Map.of("HORIZONTAL", 1L, "VERTICAL", 2L, "DISTRIBUTED", 1L));
        assertEquals(List.of(new FamilyCount("RECONNAISSANCE", "Probing and Reconnaissance", 4, List.of(
                new TypeCount("VERTICAL", "vertical", 2), new TypeCount("DISTRIBUTED", "distributed", 1),
                new TypeCount("HORIZONTAL", "horizontal", 1)))), groups);
    }

    @Test
    void typesOfAFamilyNewerThanThePortalGoToTheOneFamilyTheyMakeUp() {
        List<FamilyCount> groups = FamilyCount.of(Map.of("RECONNAISSANCE", 1L, "COMMAND_AND_CONTROL", 3L),
                Map.of("VERTICAL", 1L, "BEACONING", 2L, "RARE_DESTINATION", 1L));
        assertEquals(List.of(new FamilyCount("RECONNAISSANCE", "Probing and Reconnaissance", 1, List.of(new TypeCount("VERTICAL", "vertical", 1))),
                new FamilyCount("COMMAND_AND_CONTROL", "Command and Control", 3, List.of(new TypeCount("BEACONING", "beaconing", 2),
                        new TypeCount("RARE_DESTINATION", "rare destination", 1)))), groups);
    }

    @Test
    void typesThatCannotBePlacedAreShownAsOtherTypes() {
        List<FamilyCount> groups = FamilyCount.of(Map.of("COMMAND_AND_CONTROL", 2L, "NEW_FAMILY", 1L), Map.of("BEACONING", 2L, "ODD", 1L));
        assertEquals(List.of(new FamilyCount("COMMAND_AND_CONTROL", "Command and Control", 2, List.of()),
                new FamilyCount("NEW_FAMILY", "New family", 1, List.of()),
                new FamilyCount(null, "Other types", 3, List.of(new TypeCount("BEACONING", "beaconing", 2), new TypeCount("ODD", "odd", 1)))),
                groups);
    }

    @Test
    void aSummaryWithoutFamiliesIsGroupedByItsTypes() {
        assertEquals(List.of(new FamilyCount("RECONNAISSANCE", "Probing and Reconnaissance", 3,
                        List.of(new TypeCount("VERTICAL", "vertical", 2), new TypeCount("UDP", "UDP", 1)))),
                FamilyCount.of(null, Map.of("VERTICAL", 2L, "UDP", 1L)));
    }
}
