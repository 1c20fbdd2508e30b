package io.vigil.detection.customer.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * What tenants' internal API says of a customer. Unknown fields are ignored, so tenants can add some without breaking
 * detection (this service otherwise refuses unknown JSON fields).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantsCustomer(String id, String mspId, String status, List<String> internalNetworks, String timeZone) {
}
