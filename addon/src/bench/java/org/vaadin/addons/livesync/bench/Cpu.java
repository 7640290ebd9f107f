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
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid(1) ... utime(11) stime(12)
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU seconds all PostgreSQL server processes used so far (by process name), or -1. */
    static double postgresSeconds() {
        double sum = 0;
        boolean any = false;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String comm = Files.readString(dir.resolve("comm")).trim();
                    if (comm.startsWith("postgres")) {
                        double s = processSeconds(Long.parseLong(name));
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
