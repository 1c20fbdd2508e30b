package io.vigil.detection.family.lateral;

import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.Evidence;

import java.time.Instant;
import java.util.List;

/**
 * A source's admin logins on edges the store did not know.
 *
 * @param edges         the new edges, by flow time
 * @param fanOut        distinct hosts the source reached for the first time within the fan-out window, these included
 * @param learningSince when the customer's learning began
 */
public record NewEdgeEvidence(List<AdminEdge> edges, int fanOut, Instant learningSince) implements Evidence {
}
