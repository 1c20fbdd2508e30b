package io.vigil.detection.shard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Which tenants this detection replica judges: replica {@code ordinal} of {@code count} owns the tenants whose hash
 * falls in its slot, so a StatefulSet scales detection out with each tenant judged by exactly one replica.
 */
@ApplicationScoped
public class TenantShard {

    private static final Logger LOG = Logger.getLogger(TenantShard.class);
    private static final Pattern STATEFUL_SET_ORDINAL = Pattern.compile("-(\\d+)$");

    /** {@code vigil.detection.shard.*}: the replica count and this replica's ordinal. */
    @ConfigMapping(prefix = "vigil.detection.shard")
    public interface Config {
        /** Number of detection replicas sharing the tenants. */
        @WithDefault("1")
        int count();

        /** This replica's slot in [0, count); unset: taken from the StatefulSet pod name (HOSTNAME "detection-2"). */
        Optional<Integer> ordinal();
    }

    private final int count;
    private final int ordinal;

    @Inject
    public TenantShard(Config config) {
        this(config.count(), config.ordinal().orElseGet(() -> ordinalOf(System.getenv("HOSTNAME"), config.count())));
        LOG.infof("detection shard %d of %d", ordinal, count);
    }

    public TenantShard(int count, int ordinal) {
        if (count < 1) {
            throw new IllegalArgumentException("vigil.detection.shard.count must be at least 1, got " + count);
        }
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("vigil.detection.shard.ordinal must be in [0, " + count + "), got " + ordinal);
        }
        this.count = count;
        this.ordinal = ordinal;
    }

    /** The ordinal a StatefulSet gives a pod ("detection-2" → 2); 0 when running alone. */
    static int ordinalOf(String hostname, int count) {
        if (count == 1) {
            return 0;
        }
        Matcher m = hostname == null ? null : STATEFUL_SET_ORDINAL.matcher(hostname);
        if (m == null || !m.find()) {
            throw new IllegalArgumentException("vigil.detection.shard.count is " + count
                    + " but vigil.detection.shard.ordinal is unset and the host name '" + hostname
                    + "' does not end in a StatefulSet ordinal (-N)");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The slot of a tenant: stable across replicas, restarts and JVMs. */
    public static int slotOf(String tenant, int count) {
        CRC32 crc = new CRC32();
        crc.update(tenant.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }

    public boolean owns(String tenant) {
        return slotOf(tenant, count) == ordinal;
    }

    public int count() {
        return count;
    }

    public int ordinal() {
        return ordinal;
    }
}
