package io.vigil.portal.api;

/** A suppression or allow-list entry as detection shows it (the fields the portal reads). */
public record Rule(String id, String sourceCidr, Integer port, String type, String reason) {
}
