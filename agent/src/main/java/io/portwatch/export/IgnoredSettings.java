package io.portwatch.export;

import java.util.List;
import java.util.Locale;

/**
 * The settings the SDK's autoconfiguration honours and portwatch's own exporter does not: each
 * one set gets a line saying so and why, rather than a silent difference after an upgrade.
 */
final class IgnoredSettings {

    private static final String LIMITS = "portwatch's spans and log records carry a small, fixed set of attributes and events";
    private static final String RESOURCE = "portwatch's resource is OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES alone";
    private static final String FILE = "portwatch reads the OTEL_* settings, not a declarative configuration file";

    /** Key, then why it is ignored. */
    private static final String[] IGNORED = {
            "otel.attribute.value.length.limit", LIMITS,
            "otel.attribute.count.limit", LIMITS,
            "otel.span.attribute.value.length.limit", LIMITS,
            "otel.span.attribute.count.limit", LIMITS,
            "otel.span.event.count.limit", LIMITS,
            "otel.span.link.count.limit", LIMITS,
            "otel.metrics.exemplar.filter", "portwatch's metrics carry no exemplars",
            "otel.exporter.otlp.metrics.default.histogram.aggregation", "portwatch exports no histograms",
            "otel.java.metrics.cardinality.limit", "each metric keeps at most 2,000 series, then an otel.metric.overflow series",
            "otel.java.enabled.resource.providers", RESOURCE,
            "otel.java.disabled.resource.providers", RESOURCE,
            "otel.entities", RESOURCE,
            "otel.config.file", FILE,
            "otel.experimental.config.file", FILE,
    };

    private IgnoredSettings() {}

    static void note(Settings settings) {
        for (int i = 0; i < IGNORED.length; i += 2) {
            if (settings.isSet(IGNORED[i])) ignored(settings, IGNORED[i], IGNORED[i + 1]);
        }
        // The usual values change nothing for portwatch, and are set for every process in many
        // deployments: no line for them.
        List<String> propagators = settings.list("otel.propagators");
        for (String p : propagators) {
            if (!p.equals("tracecontext") && !p.equals("baggage") && !p.equals("none")) {
                ignored(settings, "otel.propagators", "portwatch's spans start their own traces");
                break;
            }
        }
        String temporality = settings.get("otel.exporter.otlp.metrics.temporality.preference");
        if (temporality != null && !temporality.toLowerCase(Locale.ROOT).equals("cumulative")) {
            ignored(settings, "otel.exporter.otlp.metrics.temporality.preference",
                    "portwatch exports its counters as cumulative sums");
        }
    }

    private static void ignored(Settings settings, String key, String why) {
        settings.note(Settings.name(key) + " is ignored: " + why);
    }
}
