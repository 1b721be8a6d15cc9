package io.jfaasm.runtime.host;

import com.dylibso.chicory.log.Logger;

/** Routes Chicory's own log lines (WASI tracing, warnings) to SLF4J under "chicory". */
final class ChicoryLog implements Logger {
    static final ChicoryLog INSTANCE = new ChicoryLog();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("chicory");

    private ChicoryLog() {}

    @Override
    public void log(Level level, String msg, Throwable throwable) {
        switch (level) {
            case ERROR -> LOG.error(msg, throwable);
            case WARNING -> LOG.warn(msg, throwable);
            case INFO -> LOG.info(msg, throwable);
            case DEBUG -> LOG.debug(msg, throwable);
            default -> LOG.trace(msg, throwable);
        }
    }

    @Override
    public boolean isLoggable(Level level) {
        return switch (level) {
            case ERROR -> LOG.isErrorEnabled();
            case WARNING -> LOG.isWarnEnabled();
            case INFO -> LOG.isInfoEnabled();
            case DEBUG -> LOG.isDebugEnabled();
            case OFF -> false;
            default -> LOG.isTraceEnabled();
        };
    }
}
