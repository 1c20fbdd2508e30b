package io.vigil.tenants.sensor.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.audit.service.AuditLog;
import io.vigil.lib.api.id.Ids;
import io.vigil.lib.api.paging.Pages;
import io.vigil.tenants.customer.CustomerStatus;
import io.vigil.tenants.customer.service.CustomerService;
import io.vigil.tenants.msp.service.MspService;
import io.vigil.tenants.sensor.EnrollmentToken;
import io.vigil.tenants.sensor.Sensor;
import io.vigil.tenants.sensor.SensorStatus;
import io.vigil.tenants.sensor.keycloak.SensorClients;
import io.vigil.tenants.sensor.repository.EnrollmentTokenRepository;
import io.vigil.tenants.sensor.repository.SensorRepository;
import io.vigil.tenants.sensor.rest.EnrollmentIssued;
import io.vigil.tenants.sensor.rest.SensorCreate;
import io.vigil.tenants.sensor.rest.SensorView;
import io.vigil.tenants.site.repository.SiteRepository;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A customer's sensors: issuing enrollment tokens, listing, and revoking (which disables the Keycloak client). */
@ApplicationScoped
public class SensorService {

    public static final String ENROLL_PATH = "/api/v1/sensors/enroll";

    private final CustomerService customers;
    private final SiteRepository sites;
    private final SensorRepository sensors;
    private final EnrollmentTokenRepository tokens;
    private final SensorClients clients;
    private final AuditLog audit;
    private final Duration tokenTtl;
    private final MspService msps;

    public SensorService(CustomerService customers, SiteRepository sites, SensorRepository sensors,
                         EnrollmentTokenRepository tokens, SensorClients clients, AuditLog audit,
                         @ConfigProperty(name = "vigil.tenants.enrollment-token-ttl", defaultValue = "PT24H") Duration tokenTtl,
                         MspService msps) {
        this.msps = msps;
        this.customers = customers;
        this.sites = sites;
        this.sensors = sensors;
        this.tokens = tokens;
        this.clients = clients;
        this.audit = audit;
        this.tokenTtl = tokenTtl;
    }

    @WithSession
    public Uni<List<SensorView>> list(TenantContext ctx, String customerId) {
        return customers.require(ctx, customerId)
                .chain(c -> sensors.listVisible(ctx, customerId))
                .map(rows -> rows.stream().map(SensorView::of).toList());
    }

    /** The sensors of every customer of the MSP, a page in id order; 404 (403 for its customer viewers) unless the caller reaches all of it. */
    @WithSession
    public Uni<Page<SensorView>> listOfMsp(TenantContext ctx, String mspId, SensorStatus status, String cursor, int limit) {
        String after = Cursor.decode(cursor);
        return msps.requireWhole(ctx, mspId, "sensor list")
                .chain(m -> sensors.pageOfMsp(ctx, mspId, status, after, limit + 1))
                .map(rows -> Pages.of(rows, limit, SensorView::of, s -> s.id));
    }

    @WithSession
    public Uni<SensorView> get(TenantContext ctx, String customerId, String sensorId) {
        return sensors.findVisible(ctx, customerId, sensorId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("sensor", sensorId))
                .map(SensorView::of);
    }

    /** A pending sensor and its one-time enrollment token (returned here only; stored as SHA-256). */
    @WithTransaction
    public Uni<EnrollmentIssued> create(TenantContext ctx, String customerId, SensorCreate body) {
        return customers.require(ctx, customerId).chain(c -> {
            Access.requireManage(ctx, "sensors");
            if (c.status != CustomerStatus.ACTIVE) {
                throw ProblemException.conflict("customer " + customerId + " is " + c.status + "; only active customers enroll sensors");
            }
            Uni<Void> siteCheck = body.siteId() == null ? Uni.createFrom().voidItem()
                    : sites.findVisible(ctx, customerId, body.siteId()).onItem().ifNull()
                    .failWith(() -> ProblemException.badRequest("siteId: customer " + customerId + " has no site " + body.siteId()))
                    .replaceWithVoid();
            return siteCheck.chain(() -> {
                Instant now = Instant.now();
                Sensor s = new Sensor();
                s.id = Ids.newId("sensor");
                s.customerId = c.id;
                s.mspId = c.mspId;
                s.siteId = body.siteId();
                s.name = body.name().strip();
                s.status = SensorStatus.PENDING;
                s.createdAt = now;
                return sensors.persistAndFlush(s)
                        .chain(() -> issueToken(s, now))
                        .call(issued -> audit.record(ctx, "sensor.create", c.mspId, c.id, s.id,
                                "name=" + s.name + "; token expires " + issued.expiresAt()));
            });
        });
    }

    /**
     * A fresh enrollment token for a still pending sensor, voiding its earlier ones: the answer to a retried create,
     * whose first token was never stored in plain text.
     */
    @WithTransaction
    public Uni<EnrollmentIssued> reissue(TenantContext ctx, String customerId, String sensorId) {
        return sensors.findVisible(ctx, customerId, sensorId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("sensor", sensorId))
                .chain(s -> {
                    Access.requireManage(ctx, "sensors");
                    if (s.status != SensorStatus.PENDING) {
                        throw ProblemException.conflict("sensor " + sensorId + " is already " + s.status
                                + "; its enrollment token cannot be issued again");
                    }
                    return tokens.deleteUnused(ctx, s.id)
                            .chain(() -> issueToken(s, Instant.now()))
                            .call(issued -> audit.record(ctx, "sensor.token-reissue", s.mspId, s.customerId, s.id,
                                    "Idempotency-Key retry; earlier token voided"));
                });
    }

    private Uni<EnrollmentIssued> issueToken(Sensor s, Instant now) {
        String secret = Ids.secret("vet_");
        EnrollmentToken t = new EnrollmentToken();
        t.tokenHash = Ids.sha256(secret);
        t.sensorId = s.id;
        t.createdAt = now;
        t.expiresAt = now.plus(tokenTtl);
        return tokens.persistAndFlush(t).map(x -> new EnrollmentIssued(SensorView.of(s), secret, t.expiresAt, ENROLL_PATH));
    }

    /** Revokes a sensor: its Keycloak client is disabled and unused tokens are deleted. Revoking twice is harmless. */
    @WithTransaction
    public Uni<SensorView> revoke(TenantContext ctx, String customerId, String sensorId) {
        return sensors.findVisible(ctx, customerId, sensorId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("sensor", sensorId))
                .chain(s -> {
                    Access.requireManage(ctx, "sensors");
                    if (s.status == SensorStatus.REVOKED) {
                        return Uni.createFrom().item(SensorView.of(s));
                    }
                    Uni<Void> disable = s.keycloakClientUuid == null ? Uni.createFrom().voidItem()
                            : clients.disable(s.keycloakClientUuid, s.id);
                    return tokens.deleteUnused(ctx, s.id)
                            .chain(() -> disable)
                            .chain(() -> {
                                s.status = SensorStatus.REVOKED;
                                s.revokedAt = Instant.now();
                                return sensors.persistAndFlush(s);
                            })
                            .call(saved -> audit.record(ctx, "sensor.revoke", s.mspId, s.customerId, s.id, null))
                            .map(SensorView::of);
                });
    }
}
