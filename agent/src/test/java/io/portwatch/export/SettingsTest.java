package io.portwatch.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys resolved, and values read, as the SDK's {@code DefaultConfigProperties} resolves and reads them. */
class SettingsTest {

    private static Settings settings(Map<String, String> arguments, Map<String, String> system, Map<String, String> env) {
        Properties p = new Properties();
        p.putAll(system);
        return Settings.resolve(arguments, p, env);
    }

    private static Settings settings(String key, String value) {
        return settings(Map.of(key, value), Map.of(), Map.of());
    }

    /** Which source wins, and how each source's names are normalised: {arguments, system, env} each as key, value. */
    @Test
    void sourcesAndNamesAsTheSdk() {
        String[][][] cases = {
                {{}, {}, {"OTEL_SERVICE_NAME", "env"}},
                {{}, {"otel.service.name", "sys"}, {"OTEL_SERVICE_NAME", "env"}},
                {{"otel.service.name", "arg"}, {"otel.service.name", "sys"}, {"OTEL_SERVICE_NAME", "env"}},
                {{}, {"OTEL_SERVICE_NAME", "sys"}, {}},
                {{}, {"otel-service-name", "sys"}, {}},
                {{}, {"Otel.Service.Name", "sys"}, {}},
                {{}, {}, {"otel_service_name", "env"}},
                {{"OTEL_SERVICE_NAME", "arg"}, {}, {"OTEL_SERVICE_NAME", "env"}},
                {{}, {}, {"OTEL_SERVICE-NAME", "env"}},
                {{}, {}, {"SERVICE_NAME", "env"}},
        };
        for (String[][] c : cases) {
            Map<String, String> arguments = c[0].length == 0 ? Map.of() : Map.of(c[0][0], c[0][1]);
            Map<String, String> system = c[1].length == 0 ? Map.of() : Map.of(c[1][0], c[1][1]);
            Map<String, String> env = c[2].length == 0 ? Map.of() : Map.of(c[2][0], c[2][1]);
            DefaultConfigProperties sdk = SdkReference.config(arguments, system, env);
            assertEquals(sdk.getString("otel.service.name"), settings(arguments, system, env).get("otel.service.name"),
                    () -> arguments + " " + system + " " + env);
        }
    }

    /** An empty value where found first hides the others, and means the default, as for the SDK's typed reads. */
    @Test
    void anEmptyValueHidesTheSourcesBelowIt() {
        Map<String, String> env = Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "100");
        for (Map<String, String> system : List.of(Map.of("otel.bsp.max.queue.size", ""), Map.of("otel.bsp.max.queue.size", "  "))) {
            DefaultConfigProperties sdk = SdkReference.config(Map.of(), Map.of("otel.bsp.max.queue.size", ""), env);
            assertNull(sdk.getInt("otel.bsp.max.queue.size"));
            assertEquals(2048, settings(Map.of(), system, env).integer("otel.bsp.max.queue.size", 2048, 1, "n"));
        }
        assertEquals(100, settings(Map.of(), Map.of(), env).integer("otel.bsp.max.queue.size", 2048, 1, "n"));
    }

    @Test
    void durationsAsTheSdk() {
        String[] values = {"5000", "5s", "500ms", "2m", "1h", "1d", "250us", "3000000ns", "3ns", "5 s", "+7", "0",
                "9223372036854775807", "9223372036854775807s"};
        for (String v : values) {
            Duration sdk = SdkReference.config(Map.of("otel.bsp.schedule.delay", v)).getDuration("otel.bsp.schedule.delay");
            Settings ours = settings("otel.bsp.schedule.delay", v);
            long expected = sdk.toMillis() == 0 && !sdk.isZero() ? 1 : sdk.toMillis();
            assertEquals(expected, ours.millis("otel.bsp.schedule.delay", -1, false, false), v);
            assertEquals(List.of(), ours.problems(), v);
        }
        for (String v : new String[]{"5x", "1.5s", "s", "five", "5 sec", "-", "99999999999999999999"}) {
            assertThrows(ConfigurationException.class,
                    () -> SdkReference.config(Map.of("otel.bsp.schedule.delay", v)).getDuration("otel.bsp.schedule.delay"), v);
            Settings ours = settings("otel.bsp.schedule.delay", v);
            assertEquals(5000, ours.millis("otel.bsp.schedule.delay", 5000, false, false));
            assertEquals(List.of("OTEL_BSP_SCHEDULE_DELAY (otel.bsp.schedule.delay) is " + v + ": expected a duration,"
                    + " a whole number of milliseconds or one with a unit: ms, s, m, h, d, us or ns (e.g. 5000 or 5s)"),
                    ours.problems());
        }
    }

    /** What the SDK's builders refuse: a negative delay, a zero interval; a zero timeout is none. */
    @Test
    void durationBounds() {
        Settings negative = settings("otel.bsp.schedule.delay", "-5");
        assertEquals(-5, SdkReference.config(Map.of("otel.bsp.schedule.delay", "-5")).getDuration("otel.bsp.schedule.delay").toMillis());
        assertEquals(5000, negative.millis("otel.bsp.schedule.delay", 5000, false, false));
        assertEquals(List.of("OTEL_BSP_SCHEDULE_DELAY (otel.bsp.schedule.delay) is -5: expected a duration of zero or more"),
                negative.problems());
        Settings zero = settings("otel.metric.export.interval", "0s");
        assertEquals(60000, zero.millis("otel.metric.export.interval", 60000, true, false));
        assertEquals(List.of("OTEL_METRIC_EXPORT_INTERVAL (otel.metric.export.interval) is 0s: expected a duration above zero"),
                zero.problems());
        assertEquals(Long.MAX_VALUE, settings("otel.bsp.export.timeout", "0").millis("otel.bsp.export.timeout", 1, false, true));
    }

    @Test
    void integersAsTheSdk() {
        for (String v : new String[]{"100", "+7", "2147483647"}) {
            int sdk = SdkReference.config(Map.of("otel.bsp.max.queue.size", v)).getInt("otel.bsp.max.queue.size");
            assertEquals(sdk, settings("otel.bsp.max.queue.size", v).integer("otel.bsp.max.queue.size", -1, 1, "n"), v);
        }
        for (String v : new String[]{"abc", "1.5", "2147483648", "0x10"}) {
            assertThrows(ConfigurationException.class,
                    () -> SdkReference.config(Map.of("otel.bsp.max.queue.size", v)).getInt("otel.bsp.max.queue.size"), v);
            Settings ours = settings("otel.bsp.max.queue.size", v);
            assertEquals(2048, ours.integer("otel.bsp.max.queue.size", 2048, 1, "a whole number above zero"));
            assertEquals(List.of("OTEL_BSP_MAX_QUEUE_SIZE (otel.bsp.max.queue.size) is " + v
                    + ": expected a whole number above zero"), ours.problems());
        }
    }

    /** Values the SDK itself does not trim: trimmed here, a stray space being no reason to export nothing. */
    @Test
    void valuesAreTrimmed() {
        assertThrows(ConfigurationException.class,
                () -> SdkReference.config(Map.of("otel.bsp.max.queue.size", " 100 ")).getInt("otel.bsp.max.queue.size"));
        assertEquals(100, settings("otel.bsp.max.queue.size", " 100 ").integer("otel.bsp.max.queue.size", 1, 1, "n"));
        assertEquals("orders", settings(Map.of(), Map.of(), Map.of("OTEL_SERVICE_NAME", " orders\t")).get("otel.service.name"));
    }

    @Test
    void booleansAsTheSdk() {
        for (String v : new String[]{"true", "TRUE", "True", "false", "yes", "1", "on"}) {
            assertEquals(SdkReference.config(Map.of("otel.sdk.disabled", v)).getBoolean("otel.sdk.disabled"),
                    settings("otel.sdk.disabled", v).bool("otel.sdk.disabled"), v);
        }
        assertFalse(settings(Map.of(), Map.of(), Map.of()).bool("otel.sdk.disabled"));
    }

    @Test
    void listsAsTheSdk() {
        for (String v : new String[]{"otlp", "otlp, console", ",otlp,,console,", " , ", "a b,c"}) {
            assertEquals(SdkReference.config(Map.of("otel.traces.exporter", v)).getList("otel.traces.exporter"),
                    settings("otel.traces.exporter", v).list("otel.traces.exporter"), v);
        }
    }

    /** Entries trimmed, empty values dropped, a later key replacing an earlier one where it was; the order kept. */
    @Test
    void mapsAsTheSdk() {
        String[] values = {"a=1,b=2", "b=2,a=1,b=3", " a = 1 , b = ", "a=b=c", "a=1,,b=2", "a=%20x+y", "k=", "a b=c"};
        for (String v : values) {
            Map<String, String> sdk = SdkReference.config(Map.of("otel.resource.attributes", v)).getMap("otel.resource.attributes");
            Settings ours = settings("otel.resource.attributes", v);
            Map<String, String> map = ours.map("otel.resource.attributes", false);
            assertEquals(List.copyOf(sdk.entrySet()), List.copyOf(map.entrySet()), v);
            assertEquals(List.of(), ours.problems(), v);
        }
        for (String v : new String[]{"a", "=1", "a=1,b", "a=1, =2"}) {
            assertThrows(ConfigurationException.class,
                    () -> SdkReference.config(Map.of("otel.resource.attributes", v)).getMap("otel.resource.attributes"), v);
            Settings ours = settings("otel.resource.attributes", v);
            assertEquals(Map.of(), ours.map("otel.resource.attributes", false), v);
            assertEquals(1, ours.problems().size(), v);
            assertTrue(ours.problems().get(0).startsWith("OTEL_RESOURCE_ATTRIBUTES (otel.resource.attributes) is not a"
                    + " comma-separated list of key=value entries: entry "), ours.problems()::toString);
        }
    }

    /** Header values may be credentials: a malformed list is said without them. */
    @Test
    void aMalformedSecretMapIsSaidWithoutItsValues() {
        Settings ours = settings("otel.exporter.otlp.headers", "authorization=Bearer x,Bearer s3cr3t");
        assertEquals(Map.of(), ours.map("otel.exporter.otlp.headers", true));
        assertEquals(List.of("OTEL_EXPORTER_OTLP_HEADERS (otel.exporter.otlp.headers) is not a comma-separated list of"
                + " key=value entries: entry 2 is not (the values are not shown here: they may be credentials)"), ours.problems());
    }

    /** Quiet: what a signal that is not exported would use is not said. */
    @Test
    void quietDropsProblemsAndNotes() {
        Settings s = settings("otel.bsp.max.queue.size", "x");
        boolean was = s.quiet(true);
        assertEquals(2048, s.integer("otel.bsp.max.queue.size", 2048, 1, "n"));
        s.note("a note");
        s.quiet(was);
        assertEquals(List.of(), s.problems());
        assertEquals(List.of(), s.notes());
    }

    @Test
    void problemsAreSaidOnce() {
        Settings s = settings("otel.bsp.max.queue.size", "x");
        s.integer("otel.bsp.max.queue.size", 2048, 1, "n");
        s.integer("otel.bsp.max.queue.size", 2048, 1, "n");
        assertEquals(1, s.problems().size());
        List<String> copy = new ArrayList<>(s.problems());
        assertEquals(copy, s.problems());
    }
}
