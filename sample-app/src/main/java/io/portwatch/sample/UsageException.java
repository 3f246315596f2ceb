package io.portwatch.sample;

/** A bad command line; the message is the one line shown to the user. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
