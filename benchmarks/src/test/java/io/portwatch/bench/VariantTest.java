package io.portwatch.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VariantTest {

    @Test
    void knowsTheAgentsThreadsByTheNamesTheKernelKeeps() {
        assertTrue(Variant.isAgentThreadKernelName("portwatch-track"));
        assertTrue(Variant.isAgentThreadKernelName("BatchSpanProces")); // BatchSpanProcessor_WorkerThread-1
        assertTrue(Variant.isAgentThreadKernelName("PeriodicMetricR"));
        assertFalse(Variant.isAgentThreadKernelName("sample-writer-1"));
        assertFalse(Variant.isAgentThreadKernelName("BatchSpan")); // whole, and no agent thread's name is that
        assertFalse(Variant.isAgentThread("BatchSpanProces")); // a Java name is never cut
    }
}
