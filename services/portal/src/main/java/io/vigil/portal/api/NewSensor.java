package io.vigil.portal.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body that creates a pending sensor at the tenants API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewSensor(String name, String siteId) {
}
