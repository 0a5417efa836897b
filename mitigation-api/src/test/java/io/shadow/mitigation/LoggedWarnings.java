package io.shadow.mitigation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * The WARN messages one class logs while this is open, caught in log4j (the backend the services log
 * through) and kept off the console, so a test that provokes many does not flood its output.
 */
public final class LoggedWarnings implements AutoCloseable {
    private final Logger logger;
    private final AbstractAppender appender;
    private final boolean additive;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LoggedWarnings(Class<?> source) {
        this.logger = (Logger) LogManager.getLogger(source);
        this.appender = new AbstractAppender("warnings-of-" + source.getSimpleName(), null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                if (e.getLevel() == Level.WARN) {
                    messages.add(e.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
        this.additive = logger.isAdditive();
        logger.setAdditive(false);
    }

    public static LoggedWarnings of(Class<?> source) {
        return new LoggedWarnings(source);
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        logger.setAdditive(additive);
        logger.removeAppender(appender);
        appender.stop();
    }
}
