package io.vigil.lib.api.auth;

/**
 * Who is calling and which MSP/customer they may touch, taken only from the verified credential; every repository
 * query takes one, so no query runs without a tenant scope. What the caller may do with it is {@link Access}'s.
 *
 * @param role     the caller's strongest role the service honours ({@link TokenRoles})
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
}
