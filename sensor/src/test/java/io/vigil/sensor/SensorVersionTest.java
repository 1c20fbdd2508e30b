package io.vigil.sensor;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sensor's version is the build's: the version of sensor/pom.xml, not a constant in the code. */
class SensorVersionTest {

    @Test
    void isTheProjectVersionOfThePom() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
        assertTrue(m.find(), "no parent version in pom.xml");
        assertEquals(m.group(1), SensorVersion.get());
        assertArrayEquals(new String[]{"vigil-sensor " + m.group(1)},
                new CommandLine(new SensorCommand()).getCommandSpec().version());
    }
}
