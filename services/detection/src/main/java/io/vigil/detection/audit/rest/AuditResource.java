package io.vigil.detection.audit.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.audit.repository.AuditRepository;
import io.vigil.detection.customer.service.CustomerAccess;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.paging.Pages;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
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

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** Who changed what for a customer (triage, comments, its rules), or for an MSP (its MSP-wide rules). Newest first, keyset pages. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "audit")
public class AuditResource {

    private final CustomerDirectory directory;
    private final Reader reader;
    private final CurrentTenant tenant;

    public AuditResource(CustomerDirectory directory, Reader reader, CurrentTenant tenant) {
        this.directory = directory;
        this.reader = reader;
        this.tenant = tenant;
    }

    @GET
    @Path("/customers/{customerId}/audit")
    @Operation(summary = "The customer's audit trail, newest first")
    public Uni<Page<AuditView>> list(@PathParam("customerId") String customerId,
                                     @QueryParam("cursor") @Size(max = 200) String cursor,
                                     @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit) {
        TenantContext ctx = tenant.get();
        return directory.known(ctx, customerId, () -> reader.page(ctx, customerId, cursor, limit));
    }

    @GET
    @Path("/msps/{mspId}/audit")
    @Operation(summary = "The MSP's own audit trail (MSP-wide rules), newest first; platform-admin and the MSP's people only")
    public Uni<Page<AuditView>> listMsp(@PathParam("mspId") String mspId,
                                        @QueryParam("cursor") @Size(max = 200) String cursor,
                                        @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit) {
        return reader.mspPage(tenant.get(), mspId, cursor, limit);
    }

    /** The scoped read, in one session. */
    @ApplicationScoped
    public static class Reader {

        private final CustomerAccess access;
        private final AuditRepository entries;

        public Reader(CustomerAccess access, AuditRepository entries) {
            this.access = access;
            this.entries = entries;
        }

        @WithSession
        public Uni<Page<AuditView>> page(TenantContext ctx, String customerId, String cursor, int limit) {
            Long before = before(cursor);
            return access.requireVisible(ctx, customerId).chain(c -> entries.page(ctx, c.mspId, customerId, before, limit + 1))
                    .map(rows -> page(rows, limit));
        }

        @WithSession
        public Uni<Page<AuditView>> mspPage(TenantContext ctx, String mspId, String cursor, int limit) {
            Long before = before(cursor);
            return access.requireMsp(ctx, mspId, "audit trail").chain(m -> entries.page(ctx, mspId, null, before, limit + 1))
                    .map(rows -> page(rows, limit));
        }

        private static Page<AuditView> page(List<io.vigil.detection.audit.AuditEntry> rows, int limit) {
            return Pages.of(rows, limit, AuditView::of, e -> String.valueOf(e.seq));
        }

        private static Long before(String cursor) {
            String key = Cursor.decode(cursor);
            try {
                return key == null ? null : Long.parseLong(key);
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("cursor: not a cursor this API returned");
            }
        }
    }
}
