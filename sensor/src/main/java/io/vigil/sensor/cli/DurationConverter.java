package io.vigil.sensor.cli;

import picocli.CommandLine;

import java.time.Duration;

/** Lets options take "90s", "500ms", "5m" like the properties file does. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return SensorSettings.parseDuration("duration", value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
