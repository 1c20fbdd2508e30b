package io.vigil.detection.alert.rest;

import io.vigil.detection.alert.AlertFilter;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.time.Instant;

/** The query parameters of an alert list, the same for a customer's list and an MSP's. */
public class AlertListParams {

    @Parameter(description = "nextCursor of the previous page")
    @QueryParam("cursor")
    @Size(max = 200)
    public String cursor;

    @QueryParam("limit")
    @DefaultValue("50")
    @Min(1)
    @Max(200)
    public int limit;

    @QueryParam("status")
    public AlertStatus status;

    @Parameter(description = "the SmartAlert family: RECONNAISSANCE, COMMAND_AND_CONTROL, LATERAL_MOVEMENT, EXFILTRATION, ASSET")
    @QueryParam("family")
    public AlertFamily family;

    @QueryParam("type")
    public AlertType type;

    @QueryParam("severity")
    public Severity severity;

    @Parameter(description = "the alert's source: the acting address, or a distributed scan's key")
    @QueryParam("source")
    @Size(max = 45)
    public String source;

    @Parameter(description = "only alerts whose last change (updatedAt: opened, new activity, escalated, acknowledged,"
            + " resolved, reopened) is at or after this ISO-8601 instant, such as 2026-12-01T00:00:00Z; pages with cursor"
            + " like the rest, so a SIEM polls incrementally with the start of its previous poll")
    @QueryParam("updatedSince")
    public Instant updatedSince;

    public AlertFilter filter() {
        return new AlertFilter(status, family, type, severity, source, updatedSince);
    }
}
