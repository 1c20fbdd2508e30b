package io.vigil.portal.overview;

import io.vigil.portal.api.Families;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Unresolved alerts of one family, with its types' counts: how the overview groups a summary's {@code openByFamily} and
 * {@code openByType}.
 *
 * @param family null for the group of types the portal cannot place in a family (types of a family added to detection
 *               after {@link Families}): they are shown, not dropped
 */
public record FamilyCount(String family, String title, long count, List<TypeCount> types) {

    /** Unresolved alerts of one type. */
    public record TypeCount(String type, String label, long count) {
    }

    /**
     * The families with unresolved alerts in detection's order (families the portal does not know after them, then the
     * types it cannot place), each with its types, most first. A family's count is detection's; without one (a summary
     * from before families) it is the sum of its types.
     */
    static List<FamilyCount> of(Map<String, Long> byFamily, Map<String, Long> byType) {
        Map<String, Long> families = byFamily == null ? Map.of() : byFamily;
        Map<String, Map<String, Long>> types = new LinkedHashMap<>();
        if (byType != null) {
            byType.forEach((type, n) -> types.computeIfAbsent(Families.familyOf(type), f -> new TreeMap<>()).put(type, n));
        }
        place(families, types);
        List<String> order = new ArrayList<>(Families.all());
        families.keySet().stream().filter(f -> !order.contains(f)).sorted().forEach(order::add);
        List<FamilyCount> out = new ArrayList<>();
        for (String f : order) {
            Map<String, Long> own = types.getOrDefault(f, Map.of());
            long count = families.getOrDefault(f, sum(own));
            if (count > 0) {
                out.add(new FamilyCount(f, Families.title(f), count, counts(own)));
            }
        }
        Map<String, Long> unplaced = types.getOrDefault(null, Map.of());
        if (sum(unplaced) > 0) {
            out.add(new FamilyCount(null, "Other types", sum(unplaced), counts(unplaced)));
        }
        return out;
    }

    /**
     * Types the portal cannot place belong to the one family whose count they make up: when exactly one family counts
     * more than its known types, by exactly their sum (the usual case, one family newer than the portal).
     */
    private static void place(Map<String, Long> families, Map<String, Map<String, Long>> types) {
        Map<String, Long> unplaced = types.get(null);
        if (unplaced == null) {
            return;
        }
        List<String> unexplained = families.entrySet().stream()
                .filter(e -> e.getValue() > sum(types.getOrDefault(e.getKey(), Map.of()))).map(Map.Entry::getKey).toList();
        if (unexplained.size() == 1) {
            String family = unexplained.get(0);
            if (families.get(family) - sum(types.getOrDefault(family, Map.of())) == sum(unplaced)) {
                types.computeIfAbsent(family, f -> new TreeMap<>()).putAll(types.remove(null));
            }
        }
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<TypeCount> counts(Map<String, Long> types) {
        return types.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .map(e -> new TypeCount(e.getKey(), Families.typeLabel(e.getKey()), e.getValue())).toList();
    }
}
