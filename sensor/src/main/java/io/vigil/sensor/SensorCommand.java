package io.vigil.sensor;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The vigil-sensor command line; its subcommands (enroll, run, replay, status) arrive with the sensor issue. */
@TopCommand
@Command(name = "vigil-sensor", mixinStandardHelpOptions = true, version = "0.1.0",
        description = "Vigil on-prem sensor: captures packets, meters flows and exports them to Vigil ingest.")
public class SensorCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("vigil-sensor: no subcommand yet; see --help");
    }
}
