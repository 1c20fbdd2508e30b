package io.vigil.lib.api.auth;

import io.vigil.lib.api.problem.ProblemException;

/**
 * Who is calling and which MSP/customer they may touch, taken only from the verified credential; every repository
 * query takes one, so no query runs without a tenant scope.
 *
 * @param role     the caller's strongest role (one of the service's own {@link Role} enum)
 * @param mspId    the caller's MSP (msp_id claim); null for platform-admin and services
 * @param tenantId the caller's customer (tenant_id claim); set only for roles reaching one customer
 * @param actor    who, for audit records (preferred_username, client id, or sensor id)
 * @param sourceIp where the call came from, for audit records and logs
 */
public record TenantContext(Role role, String mspId, String tenantId, String actor, String sourceIp) {

    /** Sees every MSP and customer. */
    public boolean global() {
        return role.reach() == Role.Reach.ALL;
    }

    /** May change what it sees; which roles may is the service's decision ({@link Role#manages()}). */
    public boolean canManage() {
        return role.manages();
    }

    /** Refuses (403) a caller who may read but not change; call only after the target proved visible (else 404). */
    public void requireManage() {
        if (!canManage()) {
            throw ProblemException.forbidden("role " + role.claim() + " may read but not change this resource");
        }
    }
}
