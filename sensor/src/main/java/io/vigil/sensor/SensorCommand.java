package io.vigil.sensor;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.vigil.sensor.cli.CollectCommand;
import io.vigil.sensor.cli.EnrollCommand;
import io.vigil.sensor.cli.ReplayCommand;
import io.vigil.sensor.cli.RunCommand;
import io.vigil.sensor.cli.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The vigil-sensor command line: picks the subcommand; with none, prints the help instead of doing nothing. */
@TopCommand
@Command(name = "vigil-sensor", mixinStandardHelpOptions = true, versionProvider = SensorVersion.class,
        subcommands = {EnrollCommand.class, RunCommand.class, CollectCommand.class, ReplayCommand.class,
            StatusCommand.class, CommandLine.HelpCommand.class},
        description = {
            "Vigil on-prem sensor: meters packets into bidirectional flows (Zeek-style conn_state, history, "
                    + "Community ID) and exports them to Vigil ingest.",
            "",
            "Start with 'enroll' (stores the credentials), then 'run --interface IF' captures and exports; "
                    + "'collect --listen HOST:PORT' does the same with a firewall's NetFlow/IPFIX instead of a SPAN "
                    + "port; 'replay' exports capture files (or prints them with --stdout); 'status' shows the spool "
                    + "and the last acknowledgement.",
            "Every subcommand takes --config-dir, so several enrolled sensors can share one box."},
        footer = {"", "Run 'vigil-sensor help <command>' (or '<command> --help') for its options."})
public class SensorCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
