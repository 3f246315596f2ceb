package io.portwatch.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigTest {

    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final Properties props = new Properties();

    private AgentConfig load(String args) {
        return AgentConfig.load(args, env, props, problems::add);
    }

    private void assertOneProblemMentioning(String... parts) {
        assertEquals(1, problems.size(), "problems: " + problems);
        for (String p : parts) {
            assertTrue(problems.get(0).contains(p), "'" + problems.get(0) + "' should mention '" + p + "'");
        }
    }

    private static void assertDefaults(AgentConfig c) {
        assertTrue(c.enabled());
        assertTrue(c.callSites());
        assertEquals(1000, c.callSiteLimit());
        assertEquals(List.of(), c.callSiteSkip());
        assertEquals(16384, c.bufferSize());
        assertEquals(65536, c.maxOpen());
        assertEquals("auto", c.summary());
        assertEquals("", c.report());
        assertFalse(c.debug());
    }

    @Test
    void defaultsWithNothingConfigured() {
        assertDefaults(load(null));
        assertDefaults(load(""));
        assertDefaults(load("   "));
        assertEquals(List.of(), problems);
    }

    /** {@code startup=background} from an earlier agent: not a mistake that switches the agent off. */
    @Test
    void theRetiredStartupKeyIsAcceptedIgnoredAndNotedOnce() {
        env.put("PORTWATCH_STARTUP", "wait");
        props.setProperty("portwatch.startup", "background");
        AgentConfig c = load("startup=background,summary=on");
        assertEquals(List.of(), problems);
        assertEquals(1, c.notes().size(), c.notes()::toString);
        assertTrue(c.notes().get(0).startsWith("startup is no longer needed and is ignored"), c.notes()::toString);
        assertEquals("on", c.summary());
        env.clear();
        props.clear();
        assertEquals(List.of(), load("summary=on").notes());
    }

    @Test
    void summaryDetailAndReportFile() {
        AgentConfig c = load("summary=FULL,report=/tmp/run/report.html");
        assertEquals("full", c.summary());
        assertEquals("/tmp/run/report.html", c.report());
        assertEquals("short", load("summary=short").summary());
        assertEquals(List.of(), problems);
    }

    @Test
    void summaryAutoIsShortWithoutAnExporterAndOffWithOne() {
        assertEquals(io.portwatch.report.ConsoleReport.Detail.SHORT, ExitSummary.detail("auto", false));
        assertEquals(null, ExitSummary.detail("auto", true));
        assertEquals(io.portwatch.report.ConsoleReport.Detail.SHORT, ExitSummary.detail("on", true), "on: short, as before");
        assertEquals(io.portwatch.report.ConsoleReport.Detail.FULL, ExitSummary.detail("full", true));
        assertEquals(null, ExitSummary.detail("off", false));
    }

    @Test
    void optionKeysAreUniqueAndEveryDefaultParses() {
        Set<String> keys = new HashSet<>();
        for (AgentConfig.Option o : AgentConfig.OPTIONS) {
            assertTrue(keys.add(o.key), "duplicate key " + o.key);
            assertFalse(o.help.isEmpty(), o.key);
        }
        load(null);
        assertEquals(List.of(), problems, "every default must parse without a problem");
    }

    @Test
    void nettyInstrumentationIsOnUnlessSwitchedOffByAnyOfTheThreeWays() {
        assertTrue(load(null).instrumentNetty());
        assertFalse(load("instrument.netty=false").instrumentNetty());
        props.setProperty("portwatch.instrument.netty", "false");
        assertFalse(load(null).instrumentNetty());
        props.clear();
        env.put("PORTWATCH_INSTRUMENT_NETTY", "false");
        assertFalse(load(null).instrumentNetty());
        assertTrue(load("instrument.netty=true").instrumentNetty(), "an agent argument beats the environment");
        assertEquals(List.of(), problems);
    }

    @Test
    void everyKeyFromAgentArguments() {
        AgentConfig c = load("enabled=false,callsite=FALSE,callsite.limit=0,callsite.skip=com.acme.;org.foo.,"
                + "buffer.size=1024,max.open=7,summary=ON,debug=true");
        assertEquals(List.of(), problems);
        assertFalse(c.enabled());
        assertFalse(c.callSites());
        assertEquals(0, c.callSiteLimit());
        assertEquals(List.of("com.acme.", "org.foo."), c.callSiteSkip());
        assertEquals(1024, c.bufferSize());
        assertEquals(7, c.maxOpen());
        assertEquals("on", c.summary(), "canonical lower-case value");
        assertTrue(c.debug());
    }

    @Test
    void everyKeyFromEnvironment() {
        env.put("PORTWATCH_ENABLED", "false");
        env.put("PORTWATCH_CALLSITE", "false");
        env.put("PORTWATCH_CALLSITE_LIMIT", "5");
        env.put("PORTWATCH_CALLSITE_SKIP", "a.b.");
        env.put("PORTWATCH_BUFFER_SIZE", "128");
        env.put("PORTWATCH_MAX_OPEN", "9");
        env.put("PORTWATCH_SUMMARY", "off");
        env.put("PORTWATCH_DEBUG", "true");
        env.put("PATH", "/usr/bin"); // not ours: no problem
        AgentConfig c = load(null);
        assertEquals(List.of(), problems);
        assertFalse(c.enabled());
        assertFalse(c.callSites());
        assertEquals(5, c.callSiteLimit());
        assertEquals(List.of("a.b."), c.callSiteSkip());
        assertEquals(128, c.bufferSize());
        assertEquals(9, c.maxOpen());
        assertEquals("off", c.summary());
        assertTrue(c.debug());
    }

    @Test
    void everyKeyFromSystemProperties() {
        props.setProperty("portwatch.enabled", "false");
        props.setProperty("portwatch.callsite.limit", "6");
        props.setProperty("portwatch.buffer.size", "256");
        props.setProperty("portwatch.max.open", "10");
        props.setProperty("portwatch.summary", "on");
        props.setProperty("java.version", "17"); // not ours: no problem
        AgentConfig c = load(null);
        assertEquals(List.of(), problems);
        assertFalse(c.enabled());
        assertEquals(6, c.callSiteLimit());
        assertEquals(256, c.bufferSize());
        assertEquals(10, c.maxOpen());
        assertEquals("on", c.summary());
    }

    @Test
    void precedenceArgsOverPropertiesOverEnvironmentOverDefault() {
        env.put("PORTWATCH_MAX_OPEN", "1");
        env.put("PORTWATCH_CALLSITE_LIMIT", "11");
        env.put("PORTWATCH_BUFFER_SIZE", "128");
        props.setProperty("portwatch.max.open", "2");
        props.setProperty("portwatch.callsite.limit", "22");
        props.setProperty("portwatch.summary", "off");
        AgentConfig c = load("max.open=3");
        assertEquals(List.of(), problems);
        assertEquals(3, c.maxOpen(), "agent argument wins");
        assertEquals(22, c.callSiteLimit(), "system property beats environment");
        assertEquals(128, c.bufferSize(), "environment beats default");
        assertEquals("off", c.summary());
        assertTrue(c.enabled(), "default when nobody sets it");
    }

    @Test
    void badValueInHigherSourceFallsBackToDefaultNotToLowerSource() {
        // A bad value gives one problem (the agent will not start: PortwatchAgent) and the
        // default, not a lower source's good value.
        props.setProperty("portwatch.max.open", "5");
        AgentConfig c = load("max.open=lots");
        assertOneProblemMentioning("max.open=lots", "whole number");
        assertEquals(65536, c.maxOpen());
    }

    @Test
    void nonNumber() {
        AgentConfig c = load("callsite.limit=many");
        assertOneProblemMentioning("callsite.limit", "many", "whole number");
        assertEquals(1000, c.callSiteLimit());
    }

    @Test
    void numberTooLargeForAnInt() {
        AgentConfig c = load("max.open=99999999999");
        assertOneProblemMentioning("max.open", "whole number");
        assertEquals(65536, c.maxOpen());
    }

    @Test
    void negativeNumber() {
        AgentConfig c = load("callsite.limit=-1");
        assertOneProblemMentioning("callsite.limit", "at least 0");
        assertEquals(1000, c.callSiteLimit());
    }

    @Test
    void zeroMaxOpen() {
        AgentConfig c = load("max.open=0");
        assertOneProblemMentioning("max.open", "at least 1");
        assertEquals(65536, c.maxOpen());
    }

    @Test
    void bufferSizeNotAPowerOfTwo() {
        AgentConfig c = load("buffer.size=1000");
        assertOneProblemMentioning("buffer.size=1000", "power of two", "16384");
        assertEquals(16384, c.bufferSize());
    }

    @Test
    void bufferSizeTooSmall() {
        AgentConfig c = load("buffer.size=32");
        assertOneProblemMentioning("buffer.size", "at least 64");
        assertEquals(16384, c.bufferSize());
    }

    @Test
    void bufferSizeNegative() {
        AgentConfig c = load("buffer.size=-16384");
        assertOneProblemMentioning("buffer.size");
        assertEquals(16384, c.bufferSize());
    }

    @Test
    void badBoolean() {
        AgentConfig c = load("enabled=yes");
        assertOneProblemMentioning("enabled=yes", "true or false");
        assertTrue(c.enabled());
    }

    @Test
    void emptyBoolean() {
        AgentConfig c = load("debug=");
        assertOneProblemMentioning("debug", "true or false");
        assertFalse(c.debug());
    }

    @Test
    void unknownSummaryValue() {
        AgentConfig c = load("summary=sometimes");
        assertOneProblemMentioning("summary=sometimes", "auto, on, off");
        assertEquals("auto", c.summary());
    }

    @Test
    void spansAreSampledByDefaultAndSetLikeEveryKey() {
        assertEquals("sampled", load(null).spans());
        assertEquals("all", load("spans=ALL").spans(), "canonical lower-case value");
        props.setProperty("portwatch.spans", "off");
        assertEquals("off", load(null).spans());
        props.clear();
        env.put("PORTWATCH_SPANS", "all");
        assertEquals("all", load(null).spans());
        assertEquals(List.of(), problems);
        for (String mode : new String[] {"sampled", "all", "off"}) {
            assertEquals(mode, io.portwatch.otel.SpanPolicy.Mode.of(load("spans=" + mode).spans()).name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void unknownSpansValueIsAMistake() {
        AgentConfig c = load("spans=some");
        assertOneProblemMentioning("spans=some", "sampled, all, off");
        assertEquals("sampled", c.spans());
    }

    @Test
    void badValueFromEnvironmentIsOneProblem() {
        env.put("PORTWATCH_BUFFER_SIZE", "100");
        AgentConfig c = load(null);
        assertOneProblemMentioning("buffer.size=100", "power of two");
        assertEquals(16384, c.bufferSize());
    }

    @Test
    void badValueFromSystemPropertyIsOneProblem() {
        props.setProperty("portwatch.debug", "maybe");
        AgentConfig c = load(null);
        assertOneProblemMentioning("debug=maybe");
        assertFalse(c.debug());
    }

    @Test
    void eachBadValueGivesItsOwnLineAndGoodOnesStillApply() {
        AgentConfig c = load("buffer.size=3,max.open=12,summary=loud,enabled=nope");
        assertEquals(3, problems.size(), "problems: " + problems);
        assertEquals(12, c.maxOpen());
        assertEquals(16384, c.bufferSize());
        assertEquals("auto", c.summary());
        assertTrue(c.enabled());
    }

    @Test
    void valuesAndKeysAreTrimmed() {
        AgentConfig c = load(" max.open = 42 , summary= off ");
        assertEquals(List.of(), problems);
        assertEquals(42, c.maxOpen());
        assertEquals("off", c.summary());
    }

    @Test
    void unknownAgentArgument() {
        AgentConfig c = load("max.opne=5,max.open=6");
        assertOneProblemMentioning("unknown agent argument", "max.opne", "max.open");
        assertEquals(6, c.maxOpen());
    }

    @Test
    void unknownEnvironmentVariable() {
        env.put("PORTWATCH_BUFFERSIZE", "1024");
        AgentConfig c = load(null);
        assertOneProblemMentioning("unknown environment variable", "PORTWATCH_BUFFERSIZE");
        assertEquals(16384, c.bufferSize());
    }

    @Test
    void unknownSystemProperty() {
        props.setProperty("portwatch.buffer_size", "1024");
        AgentConfig c = load(null);
        assertOneProblemMentioning("unknown system property", "portwatch.buffer_size");
        assertEquals(16384, c.bufferSize());
    }

    @Test
    void entryWithoutEqualsIsReportedAndIgnored() {
        AgentConfig c = load("foo,max.open=8");
        assertOneProblemMentioning("'foo'", "key=value");
        assertEquals(8, c.maxOpen());
    }

    @Test
    void entryWithEmptyKeyIsReportedAndIgnored() {
        AgentConfig c = load("=x,max.open=8");
        assertOneProblemMentioning("'=x'", "key=value");
        assertEquals(8, c.maxOpen());
    }

    @Test
    void strayCommasAreOneProblem() {
        // ",,", a leading or a trailing comma: what was meant there is not known.
        AgentConfig c = load(",max.open=8,,debug=true,");
        assertOneProblemMentioning("agent arguments", "stray ','");
        assertEquals(8, c.maxOpen(), "the entries around them are read");
    }

    @Test
    void valueMayContainEquals() {
        AgentConfig c = load("callsite.skip=a=b.;c.");
        assertEquals(List.of(), problems);
        assertEquals(List.of("a=b.", "c."), c.callSiteSkip());
    }

    @Test
    void callSiteSkipIsSplitOnSemicolonsAndTrimmed() {
        AgentConfig c = load("callsite.skip= com.acme. ; org.example.db.");
        assertEquals(List.of(), problems);
        assertEquals(List.of("com.acme.", "org.example.db."), c.callSiteSkip());
    }

    @Test
    void straySemicolonsInAListAreAProblem() {
        for (String list : List.of("a.;;b.", ";a.", "a.;", "a.; ;b.")) {
            problems.clear();
            AgentConfig c = load("callsite.skip=" + list);
            assertOneProblemMentioning("callsite.skip=" + list, "stray ';'");
            assertEquals(List.of(), c.callSiteSkip(), "the default");
        }
        problems.clear();
        load("budget.connects=*:3306=100;;db:5432=20");
        assertOneProblemMentioning("budget.connects", "stray ';'");
    }

    @Test
    void anEmptyListIsNoProblem() {
        assertEquals(List.of(), load("callsite.skip=").callSiteSkip());
        assertEquals(List.of(), load("callsite.skip= ,budget.connects=").budgets());
        assertEquals(List.of(), problems);
    }

    @Test
    void callSiteSkipFromEnvironmentIsSplitToo() {
        env.put("PORTWATCH_CALLSITE_SKIP", "x.;y.");
        assertEquals(List.of("x.", "y."), load(null).callSiteSkip());
    }

    /** How settings for the OpenTelemetry SDK reach a JVM that is already running: the attach arguments. */
    @Test
    void otelArgumentsAreKeptForTheSdkAndAreNotProblems() {
        AgentConfig c = load("otel.exporter.otlp.endpoint=http://127.0.0.1:4318,debug=true,otel.service.name=svc");
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals("http://127.0.0.1:4318", c.otelArguments().get("otel.exporter.otlp.endpoint"));
        assertEquals("svc", c.otelArguments().get("otel.service.name"));
        assertEquals(2, c.otelArguments().size());
        assertTrue(c.debug());
    }

    @Test
    void noBudgetsByDefault() {
        AgentConfig c = load(null);
        assertEquals(List.of(), c.budgets());
        assertEquals(3, c.budgetExitStatus());
    }

    @Test
    void budgetsPerDestinationMergeConnectsAndLocalCloses() {
        props.setProperty("portwatch.budget.local.closes", "*:3306=50");
        AgentConfig c = load("budget.connects=*:3306=100; db.example.com:5432 = 20,budget.exit.status=7");
        assertEquals(List.of(), problems);
        List<io.portwatch.api.Budget> b = c.budgets();
        assertEquals(2, b.size());
        assertEquals("*:3306", b.get(0).destination().toString());
        assertEquals(100, b.get(0).maxPhysicalConnects());
        assertEquals(50, b.get(0).maxLocalCloses());
        assertEquals("db.example.com:5432", b.get(1).destination().toString());
        assertEquals(20, b.get(1).maxPhysicalConnects());
        assertEquals(io.portwatch.api.Budget.UNLIMITED, b.get(1).maxLocalCloses());
        assertEquals(7, c.budgetExitStatus());
    }

    @Test
    void aBadBudgetIsReportedAndIgnored() {
        AgentConfig c = load("budget.connects=*:3306");
        assertOneProblemMentioning("budget.connects", "destination=max");
        assertEquals(List.of(), c.budgets());
        problems.clear();
        load("budget.connects=db=5");
        assertOneProblemMentioning("budget.connects", "expected host:port");
        problems.clear();
        load("budget.exit.status=256");
        assertOneProblemMentioning("budget.exit.status", "0 to 255");
    }
}
