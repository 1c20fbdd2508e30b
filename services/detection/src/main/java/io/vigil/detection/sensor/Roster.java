package io.vigil.detection.sensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which recorded sensors to add, update or forget, given the complete list of enrolled sensors tenants gave: pure. A
 * sensor revoked, or gone from tenants, is forgotten with its presence, so it never produces an event.
 *
 * @param register new sensors and those whose name, site, MSP or enrollment changed
 * @param forget   recorded sensors tenants no longer lists as enrolled
 */
public record Roster(List<Registration> register, List<Watched> forget) {

    public static Roster of(List<Watched> recorded, List<Registration> enrolled) {
        Map<String, Registration> listed = new HashMap<>();
        enrolled.forEach(r -> listed.put(key(r.customerId(), r.sensorId()), r));
        Set<String> known = new HashSet<>();
        List<Watched> forget = new ArrayList<>();
        List<Registration> register = new ArrayList<>();
        for (Watched w : recorded) {
            String k = key(w.customerId(), w.sensorId());
            Registration r = listed.get(k);
            if (r == null) {
                forget.add(w);
            } else {
                known.add(k);
                if (!r.equals(Registration.of(w))) {
                    register.add(r);
                }
            }
        }
        enrolled.stream().filter(r -> !known.contains(key(r.customerId(), r.sensorId()))).forEach(register::add);
        return new Roster(List.copyOf(register), List.copyOf(forget));
    }

    private static String key(String customer, String sensor) {
        return customer + "\n" + sensor;
    }
}
