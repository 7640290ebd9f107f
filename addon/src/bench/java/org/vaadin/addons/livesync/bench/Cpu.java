package org.vaadin.addons.livesync.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM and of other processes on this machine (a walsender, a backend), for
 * saying where the time of a measurement went. Linux only; -1 where unavailable.
 */
final class Cpu {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux
    /** The postmaster of the server the bench talks to, or -1: then every PostgreSQL process counts. */
    private static volatile long serverPid = -1;

    private Cpu() {
    }

    /** CPU seconds this JVM used so far. */
    static double jvmSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    /** CPU seconds (user + system) the process used so far; -1 if it is gone. */
    static double processSeconds(long pid) {
        if (pid <= 0) {
            return -1;
        }
        String[] fields = stat(pid);
        // after the command: state(0) ppid(1) ... utime(11) stime(12)
        return fields == null ? -1 : (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /**
     * The bench's server is the one whose postmaster is {@code postmasterPid}: from now on
     * {@link #postgresSeconds()} counts only its processes, not other clusters on the machine.
     */
    static void server(long postmasterPid) {
        serverPid = postmasterPid;
    }

    /** The parent of a process, or -1. */
    static long parentOf(long pid) {
        String[] fields = stat(pid);
        return fields == null ? -1 : Long.parseLong(fields[1]);
    }

    /** The fields of /proc/pid/stat after the command (state is 0, ppid 1, utime 11), or null. */
    private static String[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU seconds the PostgreSQL server used so far, or -1: the {@link #server bench's server} —
     * its postmaster including the processes that ended (their time is in its children's time),
     * plus its live processes — or, when not known, every process named postgres on the machine.
     */
    static double postgresSeconds() {
        long server = serverPid;
        double sum = 0;
        boolean any = false;
        if (server > 0) {
            String[] postmaster = stat(server);
            if (postmaster == null) {
                return -1;
            }
            // utime, stime, and cutime, cstime: the children it has waited for
            sum += (Long.parseLong(postmaster[11]) + Long.parseLong(postmaster[12]) + Long.parseLong(postmaster[13])
                    + Long.parseLong(postmaster[14])) / TICKS_PER_SECOND;
            any = true;
        }
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(name);
                    boolean counts = server > 0 ? parentOf(pid) == server
                            : Files.readString(dir.resolve("comm")).trim().startsWith("postgres");
                    if (counts) {
                        double s = processSeconds(pid);
                        if (s >= 0) {
                            sum += s;
                            any = true;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return any ? sum : -1;
    }

    /** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat), or -1. */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length; i++) {
                if (i != 4 && i != 5) { // skip idle and iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
