package io.vigil.detection.auth;

import io.vigil.detection.problem.ProblemException;

/**
 * Who is calling and which MSP/customer they may see, taken only from the verified credential; every repository
 * query takes one, so no query runs without a tenant scope.
 *
 * @param role     the caller's strongest role
 * @param mspId    the caller's MSP (msp_id claim); null for platform-admin and services
 * @param tenantId the caller's customer (tenant_id claim); set only for customer-viewer
 * @param actor    who, recorded on acknowledge and resolve (preferred_username or client id)
 * @param sourceIp where the call came from, for logs
 */
public record TenantContext(Role role, String mspId, String tenantId, String actor, String sourceIp) {

    /** Sees every MSP and customer. */
    public boolean global() {
        return role == Role.PLATFORM_ADMIN;
    }

    /** May acknowledge and resolve alerts within its scope: the MSP's admins and analysts (triage is their job). */
    public boolean canManage() {
        return role == Role.PLATFORM_ADMIN || role == Role.MSP_ADMIN || role == Role.MSP_ANALYST;
    }

    /** Refuses (403) a caller who may read but not change; call only after the target proved visible (else 404). */
    public void requireManage() {
        if (!canManage()) {
            throw ProblemException.forbidden("role " + role.claim() + " may read but not change this resource");
        }
    }

}
