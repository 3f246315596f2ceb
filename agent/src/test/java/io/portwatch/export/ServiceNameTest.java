package io.portwatch.export;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ServiceNameTest {

    @Test
    void noCommand() {
        assertEquals("unknown_service:java", ResourceSettings.guessServiceName(null));
        assertEquals("unknown_service:java", ResourceSettings.guessServiceName(""));
        assertEquals("unknown_service:java", ResourceSettings.guessServiceName("   "));
    }

    @Test
    void mainClassGivesItsSimpleName() {
        assertEquals("Main", ResourceSettings.guessServiceName("com.example.Main arg1 arg2"));
        assertEquals("Main", ResourceSettings.guessServiceName("  com.example.Main\targ"));
        assertEquals("Main", ResourceSettings.guessServiceName("Main"));
    }

    @Test
    void jarGivesItsFileNameWithoutExtension() {
        assertEquals("sample-app", ResourceSettings.guessServiceName("/x/sample-app.jar --mode churn"));
        assertEquals("sample-app", ResourceSettings.guessServiceName("sample-app.jar"));
        assertEquals("app-1.0", ResourceSettings.guessServiceName("lib/app-1.0.jar"));
        assertEquals("app", ResourceSettings.guessServiceName("C:\\apps\\app.jar -x"));
    }

    @Test
    void moduleAndMainClass() {
        assertEquals("Main", ResourceSettings.guessServiceName("com.example.app/com.example.Main"));
    }

    @Test
    void trailingDotKeepsTheWholeName() {
        assertEquals("weird.", ResourceSettings.guessServiceName("weird."));
    }

    @Test
    void guessNeverEmpty() {
        assertFalse(ResourceSettings.guessServiceName(System.getProperty("sun.java.command")).isEmpty());
    }
}
