package io.jfaasm.runtime.scheduler;

/**
 * Another host could not run a forwarded call: it refused it (full, stopping, unreachable), or it
 * took it and then stopped responding.
 */
public final class RemoteHostException extends Exception {
    private final String host;
    private final boolean handedOver;

    /**
     * @param handedOver whether the host had accepted the call (it may have run, in part or whole);
     *     when false the call surely did not run there and may be sent elsewhere
     */
    public RemoteHostException(String host, String message, boolean handedOver, Throwable cause) {
        super(message, cause);
        this.host = host;
        this.handedOver = handedOver;
    }

    public String host() {
        return host;
    }

    public boolean handedOver() {
        return handedOver;
    }
}
