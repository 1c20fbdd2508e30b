package io.vigil.tenants.sensor.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.audit.service.AuditLog;
import io.vigil.lib.api.auth.Role;
import io.vigil.lib.api.id.Ids;
import io.vigil.tenants.customer.Customer;
import io.vigil.tenants.customer.CustomerStatus;
import io.vigil.tenants.customer.repository.CustomerRepository;
import io.vigil.tenants.sensor.EnrollmentToken;
import io.vigil.tenants.sensor.Sensor;
import io.vigil.tenants.sensor.SensorStatus;
import io.vigil.tenants.sensor.keycloak.SensorClients;
import io.vigil.tenants.sensor.repository.EnrollmentTokenRepository;
import io.vigil.tenants.sensor.repository.SensorRepository;
import io.vigil.tenants.sensor.rest.Enrolled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Redeems an enrollment token: exactly once, before it expires, for a pending sensor of an active customer; the
 * sensor then gets its own Keycloak client. The token row stays locked throughout, so a concurrent redemption waits
 * and then finds it used; if Keycloak fails, the transaction rolls back and the token stays usable.
 */
@ApplicationScoped
public class EnrollmentService {

    /** What an issued token can look like (Ids.secret); anything else is refused before any lookup. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    private final EnrollmentTokenRepository tokens;
    private final SensorRepository sensors;
    private final CustomerRepository customers;
    private final SensorClients clients;
    private final AuditLog audit;
    private final String issuer;

    public EnrollmentService(EnrollmentTokenRepository tokens, SensorRepository sensors, CustomerRepository customers,
                             SensorClients clients, AuditLog audit, @ConfigProperty(name = "vigil.oidc.issuer") String issuer) {
        this.tokens = tokens;
        this.sensors = sensors;
        this.customers = customers;
        this.clients = clients;
        this.audit = audit;
        this.issuer = issuer;
    }

    @WithTransaction
    public Uni<Enrolled> redeem(String token, String sourceIp) {
        // The time is taken once the row is locked, so a redemption that waited for another judges the token then.
        return tokens.findForRedemption(Ids.sha256(token)).chain(t -> usable(t, Instant.now(), sourceIp)).chain(u -> {
            Instant now = Instant.now();
            String secret = Ids.secret("");
            EnrollmentToken t = u.token();
            Sensor s = u.sensor();
            Customer c = u.customer();
            return clients.create(s.id, secret, c.mspId, c.id).chain(uuid -> {
                t.usedAt = now;
                s.status = SensorStatus.ACTIVE;
                s.enrolledAt = now;
                s.keycloakClientUuid = uuid;
                return tokens.persistAndFlush(t).chain(() -> sensors.persistAndFlush(s));
            }).call(() -> audit.record(u.ctx(), "sensor.enroll", c.mspId, c.id, s.id, "Keycloak client created"))
                    .map(x -> new Enrolled(s.id, c.mspId, c.id, s.id, secret, issuer + "/protocol/openid-connect/token"));
        });
    }

    /**
     * Checks, without using it up, that {@code token} would enroll its sensor now: the sensor package and its
     * installer are handed only to a holder of a token that {@link #redeem} would take. Refused for the same reasons.
     */
    @WithSession
    public Uni<String> check(String token, String sourceIp) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Uni.createFrom().failure(refused("enrollment token is not valid"));
        }
        return tokens.findById(Ids.sha256(token)).chain(t -> usable(t, Instant.now(), sourceIp)).map(u -> u.sensor().id);
    }

    /** A token that can enroll, with its sensor, customer and the scope it grants. */
    private record Usable(EnrollmentToken token, Sensor sensor, Customer customer, TenantContext ctx) {
    }

    /** The token's sensor and customer, or the precise reason the token cannot enroll (401 enrollment-token-refused). */
    private Uni<Usable> usable(EnrollmentToken t, Instant now, String sourceIp) {
        if (t == null) {
            throw refused("enrollment token is not valid");
        }
        if (t.usedAt != null) {
            throw refused("enrollment token was already used");
        }
        if (!now.isBefore(t.expiresAt)) {
            throw refused("enrollment token expired at " + t.expiresAt);
        }
        // Everything below runs in the scope the token grants: its sensor's customer.
        return sensors.findById(t.sensorId).chain(unscoped -> {
            TenantContext ctx = new TenantContext(Role.ENROLLING_SENSOR, unscoped.mspId, unscoped.customerId, unscoped.id, sourceIp);
            return customers.findVisible(ctx, unscoped.customerId).chain(c -> sensors.findVisible(ctx, c.id, t.sensorId).map(s -> {
                if (s.status != SensorStatus.PENDING) {
                    throw refused("sensor " + s.id + " is " + s.status);
                }
                if (c.status != CustomerStatus.ACTIVE) {
                    throw refused("customer " + c.id + " is " + c.status);
                }
                return new Usable(t, s, c, ctx);
            }));
        });
    }

    private static ProblemException refused(String detail) {
        return new ProblemException(401, "enrollment-token-refused", "Enrollment token refused", detail);
    }
}
