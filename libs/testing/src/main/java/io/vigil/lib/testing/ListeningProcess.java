package io.vigil.lib.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The process listening on a TCP port of this machine (Linux /proc), for benchmarks that measure a server's CPU: the
 * holder of the listening socket, not the first process of that name (the cluster's ClickHouse nodes may run beside the
 * stack's).
 */
public final class ListeningProcess {

    private ListeningProcess() {
    }

    /** The pid of the process holding a socket that listens on {@code port}; fails, naming the port, when none does. */
    public static long pid(int port) throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // local_address is HEXADDR:HEXPORT; state 0A is LISTEN; field 9 is the socket's inode
                if (f.length > 9 && f[3].equals("0A") && Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) == port) {
                    inodes.add("socket:[" + f[9] + "]");
                }
            }
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs.filter(p -> p.getFileName().toString().matches("\\d+"))::iterator) {
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    if (fds.anyMatch(fd -> {
                        try {
                            return inodes.contains(Files.readSymbolicLink(fd).toString());
                        } catch (IOException e) {
                            return false;
                        }
                    })) {
                        return Long.parseLong(proc.getFileName().toString());
                    }
                } catch (IOException | SecurityException e) {
                    // a process that ended, or one we may not look into
                }
            }
        }
        throw new IllegalStateException("no process listens on port " + port);
    }
}
