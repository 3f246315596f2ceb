package io.portwatch.hostrules;

/** The outcome of one host-settings rule, in rising order of severity. */
public enum Verdict {
    PASS, WARN, FAIL
}
