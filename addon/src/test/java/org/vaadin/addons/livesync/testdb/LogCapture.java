package org.vaadin.addons.livesync.testdb;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * Records every event of a logger (and its children) from {@link #start} until {@link #close},
 * at DEBUG and above whatever the configured level. Thread-safe: any thread may log while a test
 * reads {@link #events()}.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Level levelBefore;

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        this.levelBefore = logger.getLevel();
    }

    /** Starts recording the named logger. */
    public static LogCapture start(String loggerName) {
        LogCapture capture = new LogCapture(loggerName);
        capture.setContext(capture.logger.getLoggerContext());
        capture.start();
        capture.logger.setLevel(Level.DEBUG);
        capture.logger.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** What was logged so far. */
    public List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    /** Each event's formatted message and, when it has one, its exception's text. */
    public List<String> lines() {
        return events.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(levelBefore);
        stop();
    }
}
