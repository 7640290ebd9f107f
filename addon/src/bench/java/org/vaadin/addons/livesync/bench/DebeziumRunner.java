package org.vaadin.addons.livesync.bench;

import java.io.IOException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;

/**
 * Debezium's embedded engine with its PostgreSQL connector on pgoutput, streaming one table of
 * the bench database from a slot, handing each change event (Kafka Connect {@link SourceRecord},
 * the engine's own format: no JSON serialisation) to a consumer on the engine's thread.
 * <p>
 * Settings: defaults, except what a low-latency user sets — {@code poll.interval.ms=1} (the
 * default 500 ms is both the connector's idle sleep between reads of the replication stream and
 * the engine's wait for a batch; with it Debezium's latency would be about 250 ms on average) —
 * and no snapshot ({@code no_data}): only the stream is compared. Offsets in memory.
 */
final class DebeziumRunner implements AutoCloseable {

    static final String VERSION = versionOf();

    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-debezium"));
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    DebeziumRunner(BenchDb db, String slot, boolean dropSlotOnStop, String publication, Consumer<SourceRecord> onChange) {
        Properties props = new Properties();
        props.setProperty("name", "livesync-bench");
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("database.hostname", db.host());
        props.setProperty("database.port", Integer.toString(db.port()));
        props.setProperty("database.user", db.user());
        props.setProperty("database.password", db.password());
        props.setProperty("database.dbname", BenchDb.DATABASE);
        props.setProperty("topic.prefix", "bench");
        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", slot);
        props.setProperty("slot.drop.on.stop", Boolean.toString(dropSlotOnStop));
        props.setProperty("publication.name", publication);
        props.setProperty("publication.autocreate.mode", "disabled");
        props.setProperty("snapshot.mode", "no_data");
        props.setProperty("table.include.list", BenchDb.TASK);
        props.setProperty("poll.interval.ms", System.getProperty("livesync.bench.debezium.poll-ms", "1"));
        props.setProperty("errors.max.retries", "0");
        engine = DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(props)
                .using((success, message, error) -> {
                    if (!success && error != null) {
                        failure.compareAndSet(null, error);
                    }
                })
                .notifying((List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) -> {
                    for (RecordChangeEvent<SourceRecord> event : records) {
                        SourceRecord record = event.record();
                        if (record.value() instanceof Struct value && value.schema().field("op") != null) {
                            onChange.accept(record);
                        }
                        committer.markProcessed(event);
                    }
                    committer.markBatchFinished();
                })
                .build();
    }

    void start() {
        executor.execute(engine);
    }

    /** The engine's failure, if it stopped with one. */
    Throwable failure() {
        return failure.get();
    }

    /** The {@code after} struct's {@code id}, or null (a delete). */
    static Long afterId(SourceRecord record) {
        Struct after = ((Struct) record.value()).getStruct("after");
        return after == null ? null : after.getInt64("id");
    }

    @Override
    public void close() {
        try {
            engine.close();
        } catch (IOException e) {
            // going away
        }
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String versionOf() {
        Package p = io.debezium.connector.postgresql.PostgresConnector.class.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        if (version == null) {
            try {
                version = new io.debezium.connector.postgresql.PostgresConnector().version();
            } catch (RuntimeException | LinkageError e) {
                version = "unknown";
            }
        }
        return version;
    }
}
