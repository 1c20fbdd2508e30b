package io.vigil.tenants.audit.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.audit.repository.AuditRepository;
import io.vigil.lib.api.paging.Pages;
import io.vigil.tenants.msp.service.MspService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;


/** An MSP's audit log, newest first: for platform-admin and the MSP's own admins and analysts. */
@Path("/api/v1/msps/{mspId}/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "audit")
public class AuditResource {

    private final MspService msps;
    private final AuditRepository audit;
    private final CurrentTenant tenant;

    public AuditResource(MspService msps, AuditRepository audit, CurrentTenant tenant) {
        this.msps = msps;
        this.audit = audit;
        this.tenant = tenant;
    }

    @GET
    @WithSession
    @Operation(summary = "Mutating calls that concerned this MSP or its customers, newest first")
    public Uni<Page<AuditView>> list(@PathParam("mspId") String mspId,
                                     @QueryParam("cursor") @Size(max = 200) String cursor,
                                     @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit) {
        TenantContext ctx = tenant.get();
        String before = Cursor.decode(cursor);
        Long beforeId;
        try {
            beforeId = before == null ? null : Long.valueOf(before);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("cursor: not a cursor this API returned");
        }
        return msps.requireWhole(ctx, mspId, "audit log")
                .chain(m -> audit.page(ctx, mspId, beforeId, limit + 1))
                .map(rows -> Pages.of(rows, limit, AuditView::of, e -> String.valueOf(e.id)));
    }
}
