package org.vaadin.addons.livesync.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * The results as one PNG, drawn with Java2D (headless): capture throughput, latencies (log scale),
 * write throughput, the lazy Grid's figures (log scale), and the targets with their status.
 */
final class Chart {

    private static final int WIDTH = 1500;
    private static final int HEIGHT = 1340;
    private static final Color OURS = new Color(0x1f, 0x6f, 0xd1);
    private static final Color OTHER = new Color(0x9a, 0xa5, 0xb1);
    private static final Color LIMIT = new Color(0x4b, 0x55, 0x63);
    private static final Color GOOD = new Color(0x1a, 0x7f, 0x37);
    private static final Color BAD = new Color(0xcf, 0x22, 0x2e);

    /** One bar. */
    record Bar(String label, Double value, Color color, String text) {
    }

    private Chart() {
    }

    static void draw(Map<String, Object> m, List<Report.Target> targets, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString("LiveSync for Vaadin — benchmark" + (Boolean.TRUE.equals(m.get("quick")) ? " (--quick sizes)" : ""),
                24, 36);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) m.get("machine");
        g.drawString(m.get("date") + " · " + machine.get("nproc") + " cores " + machine.get("cpu") + ", "
                + machine.get("memory_gib") + " GiB · PostgreSQL " + m.get("postgresql") + " · Debezium "
                + m.get("debezium_version"), 24, 58);

        int top = 80;
        int w = (WIDTH - 72) / 2;
        int h = 400;
        panel(g, 24, top, w, h, "Capture throughput from a backlog (rows/s, higher is better)", List.of(
                bar("raw PGReplicationStream", m, "capture.raw_rows_per_s", LIMIT),
                bar("LiveSync", m, "capture.livesync_rows_per_s", OURS),
                bar("Debezium embedded", m, "capture.debezium_rows_per_s", OTHER)), false, "%,.0f");
        panel(g, 48 + w, top, w, h, "Latency (ms, log scale, lower is better)", List.of(
                bar("capture p50", m, "latency_ms.capture_p50", OURS),
                bar("capture p99", m, "latency_ms.capture_p99", OURS),
                bar("Debezium p50", m, "latency_ms.debezium_p50", OTHER),
                bar("Debezium p99", m, "latency_ms.debezium_p99", OTHER),
                bar("UI p50 (1,000 views)", m, "latency_ms.ui_p50", OURS),
                bar("UI p99 (1,000 views)", m, "latency_ms.ui_p99", OURS),
                bar("UI p50 at 100 tx/s, alone", m, "fanout.ui_p50_ms_0_unrelated", OURS),
                bar("UI p50, + other views", m, "fanout.ui_p50_ms_10000_unrelated", OURS),
                bar("browser p50: update", m, "latency_ms.browser_update_p50", OURS),
                bar("browser p50: insert", m, "latency_ms.browser_insert_p50", OURS),
                bar("browser p50: delete", m, "latency_ms.browser_delete_p50", OURS),
                bar("browser p50: move away", m, "latency_ms.browser_move_p50", OURS)), true, "%.2f");
        panel(g, 24, top + h + 24, w, h, "Single-row update throughput, 8 clients (tx/s, higher is better)", List.of(
                bar("nothing attached", m, "write_tps.none", LIMIT),
                bar("LiveSync slot consuming", m, "write_tps.livesync", OURS),
                bar("bare slot, no decoding", m, "write_tps.raw_slot", LIMIT),
                bar("trigger + pg_notify", m, "write_tps.trigger_notify", OTHER)), false, "%,.0f");
        panel(g, 48 + w, top + h + 24, w, h, "Lazy Grid, 100,000 rows, 100 views (ms, log scale)", List.of(
                bar("first load, alone", m, "lazy.first_load_ms", OURS),
                bar("first load, page shared", m, "lazy.first_load_shared_p50_ms", OURS),
                bar("UI p50, 200 tx/s", m, "lazy.ui_p50_ms", OURS),
                bar("UI p99, 200 tx/s", m, "lazy.ui_p99_ms", OURS),
                bar("UI p50, updates in place", m, "lazy.ui_update_p50_ms", OURS),
                bar("UI p50, inserts", m, "lazy.ui_insert_p50_ms", OURS),
                bar("UI p50, 40 tx/s", m, "lazy.ui_at_40_tx_per_s_p50_ms", OURS),
                bar("UI p99, 40 tx/s", m, "lazy.ui_at_40_tx_per_s_p99_ms", OURS)), true, "%.2f");
        targetsPanel(g, 24, top + 2 * (h + 24), WIDTH - 48, HEIGHT - (top + 2 * (h + 24)) - 24, targets);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static Bar bar(String label, Map<String, Object> m, String key, Color color) {
        return new Bar(label, Report.num(m, key), color, null);
    }

    private static void frame(Graphics2D g, int x, int y, int w, int h, String title) {
        g.setColor(new Color(0xf6, 0xf8, 0xfa));
        g.fillRoundRect(x, y, w, h, 12, 12);
        g.setColor(new Color(0xd0, 0xd7, 0xde));
        g.drawRoundRect(x, y, w, h, 12, 12);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, x + 14, y + 24);
    }

    private static void panel(Graphics2D g, int x, int y, int w, int h, String title, List<Bar> bars, boolean log,
                              String format) {
        frame(g, x, y, w, h, title);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int labelWidth = bars.stream().mapToInt(b -> fm.stringWidth(b.label())).max().orElse(0) + 12;
        int left = x + 14 + labelWidth;
        int right = x + w - 90;
        int rowTop = y + 40;
        int rowHeight = Math.min(36, (h - 56) / Math.max(1, bars.size()));
        List<Double> values = new ArrayList<>();
        bars.forEach(b -> {
            if (b.value() != null && b.value() > 0) {
                values.add(b.value());
            }
        });
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
        double logMin = Math.floor(Math.log10(Math.max(min, 1e-3))) ;
        double logMax = Math.ceil(Math.log10(max * 1.0001));
        if (logMax <= logMin) {
            logMax = logMin + 1;
        }
        if (log) {
            g.setColor(new Color(0xd0, 0xd7, 0xde));
            g.setStroke(new BasicStroke(1));
            for (double p = logMin; p <= logMax; p++) {
                int gx = left + (int) ((p - logMin) / (logMax - logMin) * (right - left));
                g.drawLine(gx, rowTop - 4, gx, rowTop + rowHeight * bars.size());
                g.setColor(Color.GRAY);
                String tick = Math.pow(10, p) >= 1 ? String.format("%.0f", Math.pow(10, p)) : String.valueOf(Math.pow(10, p));
                g.drawString(tick, gx - fm.stringWidth(tick) / 2, rowTop + rowHeight * bars.size() + 14);
                g.setColor(new Color(0xd0, 0xd7, 0xde));
            }
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int by = rowTop + i * rowHeight;
            g.setColor(Color.BLACK);
            g.drawString(b.label(), x + 14, by + rowHeight / 2 + 5);
            if (b.value() == null) {
                g.setColor(Color.GRAY);
                g.drawString("not measured", left + 4, by + rowHeight / 2 + 5);
                continue;
            }
            double fraction = log
                    ? (Math.log10(Math.max(b.value(), Math.pow(10, logMin))) - logMin) / (logMax - logMin)
                    : b.value() / max;
            int bw = Math.max(2, (int) (fraction * (right - left)));
            g.setColor(b.color());
            g.fillRect(left, by + 4, bw, rowHeight - 8);
            g.setColor(Color.BLACK);
            g.drawString(String.format(format, b.value()), left + bw + 6, by + rowHeight / 2 + 5);
        }
    }

    private static void targetsPanel(Graphics2D g, int x, int y, int w, int h, List<Report.Target> targets) {
        frame(g, x, y, w, h, "Targets");
        int perColumn = (targets.size() + 1) / 2;
        int rowHeight = Math.min(40, (h - 48) / Math.max(1, perColumn));
        for (int i = 0; i < targets.size(); i++) {
            Report.Target t = targets.get(i);
            int tx = x + (i < perColumn ? 0 : w / 2);
            int ty = y + 48 + (i % perColumn) * rowHeight;
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(t.met() == null ? Color.GRAY : t.met() ? GOOD : BAD);
            g.drawString(t.met() == null ? "n/a" : t.met() ? "MET" : "MISSED", tx + 14, ty + 12);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            g.drawString(t.description(), tx + 84, ty + 6);
            g.setColor(Color.DARK_GRAY);
            g.drawString("value " + Report.fmt(t.value()) + ", bound " + t.bound(), tx + 84, ty + 22);
        }
    }
}
