package io.vigil.lib.tenants;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * What tenants' internal API says of a customer. Unknown fields are ignored, so tenants can add some without breaking
 * its callers (detection otherwise refuses unknown JSON fields).
 *
 * @param retentionDays flows older than this many days are deleted (ingest's retention job); null from an older tenants
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantsCustomer(String id, String mspId, String status, List<String> internalNetworks, String timeZone,
                              Integer retentionDays) {
}
