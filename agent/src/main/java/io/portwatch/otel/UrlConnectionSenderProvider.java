package io.portwatch.otel;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The OTLP/HTTP exporter's sender, found by the SDK through {@code META-INF/services}: the only
 * one in the agent jar, so the SDK takes it without being told.
 */
public final class UrlConnectionSenderProvider implements HttpSenderProvider {

    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        try {
            return new UrlConnectionSender(config);
        } catch (IOException e) {
            throw new UncheckedIOException("bad OTLP endpoint " + config.getEndpoint(), e);
        }
    }
}
