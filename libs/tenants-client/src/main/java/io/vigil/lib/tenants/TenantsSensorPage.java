package io.vigil.lib.tenants;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * One page of tenants' internal sensor list.
 *
 * @param nextCursor pass it back for the next page; null on the last page
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantsSensorPage(List<TenantsSensor> items, String nextCursor) {
}
