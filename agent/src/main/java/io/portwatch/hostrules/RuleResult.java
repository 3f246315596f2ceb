package io.portwatch.hostrules;

/** One host-settings rule's verdict, why, and what to change (empty when nothing). Immutable. */
public final class RuleResult {

    private final String rule;
    private final Verdict verdict;
    private final String reason;
    private final String fix;

    public RuleResult(String rule, Verdict verdict, String reason, String fix) {
        this.rule = rule;
        this.verdict = verdict;
        this.reason = reason;
        this.fix = fix;
    }

    /** The sysctl the rule is about, e.g. {@code tcp_timestamps}. */
    public String rule() {
        return rule;
    }

    public Verdict verdict() {
        return verdict;
    }

    public String reason() {
        return reason;
    }

    public String fix() {
        return fix;
    }

    /** {@code rule: reason Fix: fix}, the fix left out when there is none. */
    /**
     * One short line: the rule, its verdict and its fix (the reason when it has none), for the
     * first line of a warning; {@link #reason()} goes on the lines after it.
     */
    public String headline() {
        return rule + " " + verdict + ": " + (fix == null || fix.isEmpty() ? reason : fix);
    }

    public String describe() {
        return rule + ": " + reason + (fix == null || fix.isEmpty() ? "" : " Fix: " + fix);
    }

    @Override
    public String toString() {
        return verdict + " " + describe();
    }
}
