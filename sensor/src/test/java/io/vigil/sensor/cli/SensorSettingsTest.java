package io.vigil.sensor.cli;

import io.vigil.sensor.meter.DefragConfig;
import io.vigil.sensor.meter.OverlapPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SensorSettingsTest {

    @TempDir
    Path dir;

    @Test
    void fragmentSettingsComeFromTheFileAndTheEnvironmentOverDefaults() throws Exception {
        assertEquals(DefragConfig.defaults(), new SensorSettings(dir, Map.of()).meter().defrag());
        Files.writeString(dir.resolve(SensorSettings.FILE_NAME),
                "meter.frag-timeout=10s\nmeter.frag-max-bytes=4m\nmeter.frag-overlap-policy=linux\n");
        DefragConfig d = new SensorSettings(dir, Map.of("VIGIL_SENSOR_METER_FRAG_MAX_DATAGRAMS", "500",
                "VIGIL_SENSOR_METER_FRAG_OVERLAP_POLICY", "Windows")).meter().defrag();
        assertEquals(new DefragConfig(Duration.ofSeconds(10), 500, 4L << 20, OverlapPolicy.WINDOWS), d);
    }

    @Test
    void anUnknownOverlapPolicyIsRefusedNamingTheChoices() throws Exception {
        Files.writeString(dir.resolve(SensorSettings.FILE_NAME), "meter.frag-overlap-policy=macos\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SensorSettings(dir, Map.of()).meter());
        assertTrue(e.getMessage().contains("meter.frag-overlap-policy") && e.getMessage().contains("bsd, linux"),
                e.getMessage());
    }
}
