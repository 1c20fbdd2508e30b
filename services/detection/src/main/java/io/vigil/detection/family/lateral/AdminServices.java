package io.vigil.detection.family.lateral;

import java.util.Map;

/**
 * The admin services by TCP port, with the ATT&amp;CK technique a login over each one is (T1021, Remote Services, and
 * its sub-techniques; a database has none of its own). A port configured that this table does not know is named by
 * its number and counted as T1021.
 */
public final class AdminServices {

    /** A service's name as an analyst reads it, and its technique. */
    public record Service(String name, String technique) {
    }

    private static final Map<Integer, Service> KNOWN = Map.ofEntries(
            Map.entry(22, new Service("SSH", "T1021.004")),
            Map.entry(135, new Service("RPC", "T1021.003")),
            Map.entry(139, new Service("SMB", "T1021.002")),
            Map.entry(445, new Service("SMB", "T1021.002")),
            Map.entry(1433, new Service("MS SQL", "T1021")),
            Map.entry(1521, new Service("Oracle", "T1021")),
            Map.entry(3306, new Service("MySQL", "T1021")),
            Map.entry(3389, new Service("RDP", "T1021.001")),
            Map.entry(5432, new Service("PostgreSQL", "T1021")),
            Map.entry(5900, new Service("VNC", "T1021.005")),
            Map.entry(5985, new Service("WinRM", "T1021.006")),
            Map.entry(5986, new Service("WinRM", "T1021.006")));

    private AdminServices() {
    }

    public static Service of(int port) {
        return KNOWN.getOrDefault(port, new Service("port " + port, "T1021"));
    }

    /** "SSH (22/tcp)". */
    public static String label(int port) {
        return of(port).name() + " (" + port + "/tcp)";
    }

    /** The port of a service written "22/tcp". */
    static int port(String service) {
        return Integer.parseInt(service.substring(0, service.indexOf('/')));
    }
}
