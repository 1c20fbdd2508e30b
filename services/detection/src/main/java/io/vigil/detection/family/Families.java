package io.vigil.detection.family;

import io.quarkus.arc.All;
import io.vigil.detection.model.AlertFamily;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Every SmartAlert family of this build, by its {@link AlertFamily}; the engine runs the enabled ones. */
@ApplicationScoped
public class Families {

    private final Map<AlertFamily, Family> byId = new EnumMap<>(AlertFamily.class);

    public Families(@All List<Family> families) {
        for (Family f : families) {
            if (byId.put(f.family(), f) != null) {
                throw new IllegalStateException("two detectors for the family " + f.family());
            }
        }
    }

    /** The family's detector; fails for a family this build has no detector for. */
    public Family of(AlertFamily family) {
        Family f = byId.get(family);
        if (f == null) {
            throw new IllegalArgumentException("no detector for the family " + family);
        }
        return f;
    }

    /** The families that run, in {@link AlertFamily} order. */
    public List<Family> enabled() {
        return byId.values().stream().filter(Family::enabled).toList();
    }
}
