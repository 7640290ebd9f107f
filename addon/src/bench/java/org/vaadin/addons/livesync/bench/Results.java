package org.vaadin.addons.livesync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The figures of one measurement, by dotted name ({@code latency_ms.ui_p50}), written as nested
 * JSON to {@code parts/<measurement>.json} and merged by {@link Report}. Numbers are rounded to
 * three decimals; a figure that could not be measured is {@code null} with a reason beside it
 * ({@code <name>_reason}). Not thread-safe.
 */
final class Results {

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Map<String, Object> values = new LinkedHashMap<>();

    Results put(String name, Object value) {
        if (value instanceof Double d) {
            value = d.isNaN() || d.isInfinite() ? null : Math.round(d * 1000) / 1000.0;
        }
        values.put(name, value);
        return this;
    }

    /** Records a figure that could not be measured, and why. */
    Results missing(String name, String reason) {
        values.put(name, null);
        values.put(name + "_reason", reason);
        return this;
    }

    Object get(String name) {
        return values.get(name);
    }

    Map<String, Object> flat() {
        return values;
    }

    /** The figures as nested maps: {@code a.b = 1} becomes {@code {"a": {"b": 1}}}. */
    Map<String, Object> nested() {
        Map<String, Object> root = new LinkedHashMap<>();
        values.forEach((name, value) -> putNested(root, name, value));
        return root;
    }

    @SuppressWarnings("unchecked")
    static void putNested(Map<String, Object> root, String name, Object value) {
        String[] parts = name.split("\\.");
        Map<String, Object> node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Object child = node.get(parts[i]);
            if (!(child instanceof Map)) {
                child = new LinkedHashMap<String, Object>();
                node.put(parts[i], child);
            }
            node = (Map<String, Object>) child;
        }
        node.put(parts[parts.length - 1], value);
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(nested()) + "\n");
    }
}
