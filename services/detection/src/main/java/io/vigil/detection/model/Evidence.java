package io.vigil.detection.model;

/**
 * The family-specific part of a finding: what the family measured (probe counts and the sequential test's decision for
 * reconnaissance). Each family defines its own record and is the only one that reads it; the engine passes it through
 * to the family's merge into the alert.
 */
public interface Evidence {
}
