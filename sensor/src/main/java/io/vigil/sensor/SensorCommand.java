package io.vigil.sensor;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.vigil.sensor.cli.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The vigil-sensor command line: picks the subcommand; with none, prints the help instead of doing nothing. */
@TopCommand
@Command(name = "vigil-sensor", mixinStandardHelpOptions = true, version = "vigil-sensor 0.1.0",
        subcommands = {ReplayCommand.class, CommandLine.HelpCommand.class},
        description = {
            "Vigil on-prem sensor: meters packets into bidirectional flows (Zeek-style conn_state, history, "
                    + "Community ID) and exports them to Vigil ingest.",
            "",
            "Available now: 'replay' (pcap/pcapng files to flows, --stdout as JSON lines).",
            "Coming with the next phases of the sensor issue: 'run' (live capture), 'enroll', 'status', and "
                    + "export to ingest with a disk spool."},
        footer = {"", "Run 'vigil-sensor help replay' (or 'replay --help') for the replay options."})
public class SensorCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
