package io.vigil.detection.family;

import java.time.Duration;
import java.util.Set;

/**
 * A read a family asks the engine for, for one tenant. The engine groups the requests of one kind and parameters across
 * every tenant of a cycle into one query, so adding tenants adds rows, not round trips.
 */
public sealed interface FeatureRequest {

    /**
     * The given sources' attempts over the last {@code horizon} of the per-minute roll-up, for those of them with at
     * least {@code minFailedTargets} distinct failed targets there (a necessary condition the family states, so the
     * database leaves out the sources that cannot matter).
     */
    record SourceHistory(Set<String> sources, Duration horizon, int minFailedTargets) implements FeatureRequest {

        /** The part that groups requests of many tenants into one query. */
        public SourceHistory shape() {
            return new SourceHistory(Set.of(), horizon, minFailedTargets);
        }
    }

    /**
     * Every attempt over the last {@code window} of the per-minute roll-up of the sources that failed on a service
     * (port, protocol) on which at least {@code minSources} distinct sources failed, on at least {@code minTargets}
     * distinct hosts: the candidates of a scan split between many sources.
     */
    record SharedFailures(Duration window, int minSources, int minTargets) implements FeatureRequest {
    }
}
