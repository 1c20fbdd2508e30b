package io.vigil.portal.api;

import java.util.List;

/** Every customer of an MSP at a glance, from detection in one answer; a customer's networks are not in it. */
public record MspSummary(String mspId, List<Summary> customers) {
}
