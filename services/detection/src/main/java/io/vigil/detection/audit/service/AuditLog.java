package io.vigil.detection.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.audit.AuditEntry;
import io.vigil.detection.audit.repository.AuditRepository;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;

/** Writes audit entries in the caller's transaction, so a change and its record commit together. */
@ApplicationScoped
public class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditRepository entries;

    public AuditLog(AuditRepository entries) {
        this.entries = entries;
    }

    public Uni<AuditEntry> record(TenantContext ctx, String mspId, String customerId, String action, String target,
                                  Map<String, ?> details) {
        AuditEntry e = new AuditEntry();
        e.mspId = mspId;
        e.customerId = customerId;
        e.actor = ctx.actor();
        e.sourceIp = ctx.sourceIp();
        e.action = action;
        e.target = target;
        try {
            e.details = JSON.writeValueAsString(details);
        } catch (JsonProcessingException ex) {
            e.details = "{}";
        }
        e.at = Instant.now();
        return entries.persist(e);
    }
}
