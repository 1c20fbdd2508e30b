package io.vigil.tenants.customer;

/** A customer's lifecycle: only ACTIVE customers can enroll sensors; OFFBOARDED is where DELETE leads. */
public enum CustomerStatus {
    ACTIVE, SUSPENDED, OFFBOARDED
}
