package io.vigil.portal.customer;

import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Enrollment;

import java.util.List;

/**
 * A new sensor's one-time token and the exact commands that install and enroll it (sensor/README.md, "Install as a
 * service"): shown once, as the tenants API shows the token once.
 */
public record SensorAdded(Customer customer, Enrollment enrollment, List<String> commands) {

    static SensorAdded of(Customer customer, Enrollment e, String tenantsUrl, String iface) {
        return new SensorAdded(customer, e, List.of(
                "sudo sensor/install/install.sh --interface " + iface,
                "sudo -u vigil-sensor vigil-sensor enroll --config-dir /etc/vigil-sensor --url " + tenantsUrl
                        + " --token " + e.enrollmentToken(),
                "sudo systemctl start vigil-sensor"));
    }
}
