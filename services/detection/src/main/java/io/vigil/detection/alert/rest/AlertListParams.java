package io.vigil.detection.alert.rest;

import io.vigil.detection.alert.AlertFilter;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.Scoring;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

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

    @QueryParam("type")
    public ScanType type;

    @QueryParam("severity")
    public Scoring.Severity severity;

    @Parameter(description = "the scanning address")
    @QueryParam("source")
    @Size(max = 45)
    public String source;

    public AlertFilter filter() {
        return new AlertFilter(status, type, severity, source);
    }
}
