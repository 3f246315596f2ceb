package io.portwatch.otel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ServiceNameTest {

    @Test
    void noCommand() {
        assertEquals("unknown_service:java", ServiceName.fromCommand(null));
        assertEquals("unknown_service:java", ServiceName.fromCommand(""));
        assertEquals("unknown_service:java", ServiceName.fromCommand("   "));
    }

    @Test
    void mainClassGivesItsSimpleName() {
        assertEquals("Main", ServiceName.fromCommand("com.example.Main arg1 arg2"));
        assertEquals("Main", ServiceName.fromCommand("  com.example.Main\targ"));
        assertEquals("Main", ServiceName.fromCommand("Main"));
    }

    @Test
    void jarGivesItsFileNameWithoutExtension() {
        assertEquals("sample-app", ServiceName.fromCommand("/x/sample-app.jar --mode churn"));
        assertEquals("sample-app", ServiceName.fromCommand("sample-app.jar"));
        assertEquals("app-1.0", ServiceName.fromCommand("lib/app-1.0.jar"));
        assertEquals("app", ServiceName.fromCommand("C:\\apps\\app.jar -x"));
    }

    @Test
    void moduleAndMainClass() {
        assertEquals("Main", ServiceName.fromCommand("com.example.app/com.example.Main"));
    }

    @Test
    void trailingDotKeepsTheWholeName() {
        assertEquals("weird.", ServiceName.fromCommand("weird."));
    }

    @Test
    void guessNeverEmpty() {
        assertFalse(ServiceName.guess().isEmpty());
    }
}
