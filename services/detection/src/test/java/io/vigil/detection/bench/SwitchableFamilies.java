package io.vigil.detection.bench;

import io.quarkus.arc.All;
import io.vigil.detection.family.Families;
import io.vigil.detection.family.Family;
import io.vigil.detection.model.AlertFamily;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Set;

/**
 * The build's families, of which the benchmark can run only some: what one family adds to a cycle is the difference
 * between cycles with and without it. Selected only by {@link BenchProfile}.
 */
@Alternative
@Singleton
public class SwitchableFamilies extends Families {

    private volatile Set<AlertFamily> only;

    public SwitchableFamilies(@All List<Family> families) {
        super(families);
    }

    /** Runs only these of the enabled families from now on; null runs all of them again. */
    void only(Set<AlertFamily> families) {
        this.only = families == null ? null : Set.copyOf(families);
    }

    @Override
    public List<Family> enabled() {
        Set<AlertFamily> keep = only;
        return keep == null ? super.enabled() : super.enabled().stream().filter(f -> keep.contains(f.family())).toList();
    }
}
