package io.vigil.lib.api.problem;

/**
 * A service's wording for its own unique constraints, so a 409 says what was taken; a service without one (or a
 * constraint it does not name) gets the generic detail.
 */
public interface ConflictDetails {

    /** The detail for a violation of {@code constraint}, or null for the generic one. */
    String detail(String constraint);
}
