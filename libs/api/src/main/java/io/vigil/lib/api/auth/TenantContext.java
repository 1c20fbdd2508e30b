package io.vigil.tenants.auth;

import io.vigil.tenants.problem.ProblemException;

/**
 * Who is calling and which MSP/customer they may touch, taken only from the verified credential; every repository
 * query takes one, so no query runs without a tenant scope.
 *
 * @param role     the caller's strongest role
 * @param mspId    the caller's MSP (msp_id claim); null for platform-admin and services
 * @param tenantId the caller's customer (tenant_id claim); set only for customer-viewer and an enrolling sensor
 * @param actor    who, for the audit log (preferred_username, client id, or sensor id)
 * @param sourceIp where the call came from, for the audit log
 */
public record TenantContext(Role role, String mspId, String tenantId, String actor, String sourceIp) {

    /** Sees every MSP and customer. */
    public boolean global() {
        return role == Role.PLATFORM_ADMIN || role == Role.SERVICE;
    }

    /** May create, change and delete customers, sites and sensors within its scope. */
    public boolean canManage() {
        return role == Role.PLATFORM_ADMIN || role == Role.MSP_ADMIN;
    }

    /** Refuses (403) a caller who may read but not change; call only after the target proved visible (else 404). */
    public void requireManage() {
        if (!canManage()) {
            throw ProblemException.forbidden("role " + role.claim() + " may read but not change this resource");
        }
    }

    /** A context for an enrolling sensor: the scope is the customer its enrollment token was issued for. */
    public static TenantContext enrollingSensor(String mspId, String tenantId, String sensorId, String sourceIp) {
        return new TenantContext(Role.ENROLLING_SENSOR, mspId, tenantId, sensorId, sourceIp);
    }
}
