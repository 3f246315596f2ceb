package io.portwatch.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsParserTest {

    @Test
    void defaults() throws UsageException {
        Options o = OptionsParser.parse();
        assertEquals(Mode.CHURN, o.mode());
        assertEquals(2000, o.writes());
        assertEquals(8, o.threads());
        assertEquals(0.0, o.rate());
        assertEquals(0.0, o.durationSeconds());
        assertTrue(o.embedded());
        assertNull(o.jdbcUrl());
        assertNull(o.jdbcParams());
        assertNull(o.user());
        assertNull(o.password());
        assertFalse(o.help());
    }

    @Test
    void everyOptionWithSeparateValue() throws UsageException {
        Options o = OptionsParser.parse("--mode", "pooled", "--writes", "20", "--threads", "2", "--rate", "12.5",
                "--duration", "3", "--jdbc-url", "jdbc:mysql://db:3306/x", "--jdbc-params", "sslMode=DISABLED",
                "--user", "u", "--password", "p");
        assertEquals(Mode.POOLED, o.mode());
        assertEquals(20, o.writes());
        assertEquals(2, o.threads());
        assertEquals(12.5, o.rate());
        assertEquals(3.0, o.durationSeconds());
        assertEquals("jdbc:mysql://db:3306/x", o.jdbcUrl());
        assertEquals("sslMode=DISABLED", o.jdbcParams());
        assertEquals("u", o.user());
        assertEquals("p", o.password());
        assertFalse(o.embedded());
    }

    @Test
    void everyOptionWithEqualsValue() throws UsageException {
        Options o = OptionsParser.parse("--mode=idle-timeout", "--writes=5", "--threads=3", "--rate=0",
                "--duration=0.5", "--jdbc-url=jdbc:mysql://h/db?a=b", "--jdbc-params=?x=1&y=2", "--user=me",
                "--password=a=b");
        assertEquals(Mode.IDLE_TIMEOUT, o.mode());
        assertEquals(5, o.writes());
        assertEquals(3, o.threads());
        assertEquals(0.0, o.rate());
        assertEquals(0.5, o.durationSeconds());
        assertEquals("jdbc:mysql://h/db?a=b", o.jdbcUrl());
        assertEquals("x=1&y=2", o.jdbcParams());
        assertEquals("me", o.user());
        assertEquals("a=b", o.password());
    }

    @Test
    void everyModeByName() throws UsageException {
        assertEquals(Mode.CHURN, OptionsParser.parse("--mode", "churn").mode());
        assertEquals(Mode.POOLED, OptionsParser.parse("--mode", "POOLED").mode());
        assertEquals(Mode.ABORT, OptionsParser.parse("--mode", "abort").mode());
        assertEquals(Mode.IDLE_TIMEOUT, OptionsParser.parse("--mode", "idle-timeout").mode());
    }

    @Test
    void durationAloneRemovesTheDefaultWriteCount() throws UsageException {
        Options o = OptionsParser.parse("--duration", "10");
        assertEquals(0, o.writes());
        assertEquals(10.0, o.durationSeconds());
    }

    @Test
    void writesAndDurationTogetherKeepBoth() throws UsageException {
        Options o = OptionsParser.parse("--duration", "10", "--writes", "7");
        assertEquals(7, o.writes());
        assertEquals(10.0, o.durationSeconds());
    }

    @Test
    void lastValueWins() throws UsageException {
        assertEquals(4, OptionsParser.parse("--threads", "2", "--threads", "4").threads());
    }

    @Test
    void helpWinsOverEverythingElse() throws UsageException {
        assertTrue(OptionsParser.parse("--help").help());
        assertTrue(OptionsParser.parse("-h").help());
        assertTrue(OptionsParser.parse("--writes", "nope", "--help").help());
        assertTrue(OptionsParser.parse("--bogus", "--help").help());
    }

    @Test
    void usageNamesEveryOption() {
        String usage = OptionsParser.usage();
        for (String option : new String[] {"--mode", "--writes", "--threads", "--rate", "--duration", "--jdbc-url",
            "--jdbc-params", "--user", "--password", "--help", "churn", "pooled", "abort", "idle-timeout"}) {
            assertTrue(usage.contains(option), option);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "--foo                      ; unknown option --foo",
        "--foo=1                    ; unknown option --foo",
        "-x                         ; unexpected argument '-x'",
        "stray                      ; unexpected argument 'stray'",
        "--writes                   ; --writes needs a value",
        "--writes=                  ; --writes needs a value",
        "--writes,0                 ; --writes must be a whole number from 1 to 1000000000, got '0'",
        "--writes,abc               ; --writes must be a whole number from 1 to 1000000000, got 'abc'",
        "--writes,1.5               ; --writes must be a whole number from 1 to 1000000000, got '1.5'",
        "--writes,-3                ; --writes must be a whole number from 1 to 1000000000, got '-3'",
        "--threads,0                ; --threads must be a whole number from 1 to 1024, got '0'",
        "--threads,5000             ; --threads must be a whole number from 1 to 1024, got '5000'",
        "--rate,-1                  ; --rate must be a number of writes per second (0 = as fast as possible), from 0 to 1000000, got '-1'",
        "--rate,fast                ; --rate must be a number of writes per second (0 = as fast as possible), from 0 to 1000000, got 'fast'",
        "--duration,0               ; --duration must be a number of seconds, above 0 to 86400, got '0'",
        "--duration,NaN             ; --duration must be a number of seconds, above 0 to 86400, got 'NaN'",
        "--duration,100000          ; --duration must be a number of seconds, above 0 to 86400, got '100000'",
        "--mode,turbo               ; --mode must be one of churn|pooled|abort|idle-timeout, got 'turbo'",
        "--jdbc-url,jdbc:mariadb://h/db ; --jdbc-url must start with jdbc:mysql://, got 'jdbc:mariadb://h/db'",
        "--jdbc-params,&            ; --jdbc-params must look like key=value&key=value, got '&'",
        "--user,u                   ; --user and --password need --jdbc-url (the embedded database uses its own account)",
        "--password,p               ; --user and --password need --jdbc-url (the embedded database uses its own account)",
    })
    void badCommandLines(String args, String message) {
        UsageException e = assertThrows(UsageException.class, () -> OptionsParser.parse(args.split(",")));
        assertEquals(message, e.getMessage());
    }

    @Test
    void badUrlErrorDoesNotShowThePassword() {
        UsageException e = assertThrows(UsageException.class,
                () -> OptionsParser.parse("--jdbc-url", "jdbc:postgresql://h/db?password=hunter2"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("password=***"), e.getMessage());
    }
}
