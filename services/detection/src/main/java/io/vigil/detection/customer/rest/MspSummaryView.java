package io.vigil.detection.customer.rest;

import java.util.List;

/**
 * Every customer of an MSP at a glance, in one answer, for an overview that would otherwise ask once per customer.
 *
 * @param customers every customer of the MSP that detection knows, by id; one with no alert and no baseline has zeros
 */
public record MspSummaryView(String mspId, List<CustomerFigures> customers) {
}
