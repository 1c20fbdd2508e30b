package io.vigil.portal.customer;

import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Enrollment;

/**
 * A new sensor's one-time token and the one command that downloads, installs and enrolls it (sensor/README.md, "The
 * Debian package and the one-line install"): the tenants service's installer for this token, piped to a root shell.
 * Shown once, as the tenants API shows the token once.
 */
public record SensorAdded(Customer customer, Enrollment enrollment, String command) {

    static SensorAdded of(Customer customer, Enrollment e, String tenantsUrl, String iface) {
        return new SensorAdded(customer, e, "curl -fsSL '" + tenantsUrl.replaceAll("/+$", "") + "/install?token="
                + e.enrollmentToken() + "' | sudo sh -s -- --interface " + iface);
    }
}
