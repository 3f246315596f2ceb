package io.portwatch.junit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user of Maven sees: a project set up as docs/churn-budgets.md says (its Maven snippet,
 * {@link DocsPom}), with portwatch installed in its local repository ({@link TemporaryRepository}),
 * built by a real Maven on each JDK the integration tests use. Its churning test must fail with
 * the budget's message, its reusing test pass, and the passing budget's counts must be where the
 * docs say to look: on the console and in Surefire's XML report.
 *
 * <p>Run by Failsafe, without the agent in this JVM; the agent runs in the child build's Surefire
 * JVM, from the temporary repository, as the docs' argLine puts it there.
 */
class MavenProjectIT {

    private static final String TEST_CLASS = "com.example.OrderWriterTest";

    @TempDir
    Path dir;

    static Stream<String> jdks() {
        return Arrays.stream(System.getProperty("portwatch.it.java.homes", System.getProperty("java.home")).split(","))
                .map(String::trim).filter(s -> !s.isEmpty());
    }

    private static Path setting(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " not set: run through Failsafe (junit/pom.xml)");
        }
        return Paths.get(value);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theChurningTestFailsTheReusingTestPassesAndItsCountsAreOnTheConsoleAndInTheReport(String jdk) throws Exception {
        Path root = setting("portwatch.it.root");
        String version = System.getProperty("portwatch.it.version");
        String snippet = DocsPom.xmlBlock(root.resolve("docs/churn-budgets.md"), "## Add it to a Maven build");
        assertTrue(snippet.contains("<portwatch.version>" + version + "</portwatch.version>"),
                "the docs name this version of portwatch: " + snippet);
        String surefire = DocsPom.managedVersion(root.resolve("pom.xml"), "maven-surefire-plugin");
        assertTrue(snippet.contains("<version>" + surefire + "</version>"),
                "the docs' Surefire is the one portwatch's build uses (" + surefire + "), so this machine has it: " + snippet);

        TemporaryRepository repository = TemporaryRepository.withPortwatch(dir, root, version,
                setting("portwatch.it.build.repository"));
        Path project = dir.resolve("orders");
        Path tests = Files.createDirectories(project.resolve("src/test/java/com/example"));
        Files.writeString(project.resolve("pom.xml"), DocsPom.build(snippet, root.resolve("pom.xml")));
        try (InputStream in = MavenProjectIT.class.getResourceAsStream("/maven-project/OrderWriterTest.java")) {
            Files.write(tests.resolve("OrderWriterTest.java"), in.readAllBytes());
        }

        MavenRun run = MavenRun.run(setting("portwatch.it.maven.home"), Paths.get(jdk), project, repository, "test");

        assertNotEquals(0, run.exitCode, run::toString);
        assertTrue(run.output.contains("Tests run: 2, Failures: 1, Errors: 0, Skipped: 0"), run::toString);
        Matcher failed = Pattern.compile("connection budget exceeded for localhost:(\\d+): 20 physical connects \\(budget 5\\),"
                + " 20 local closes \\(budget 5\\)\n  localhost:\\1 \\(127\\.0\\.0\\.1:\\1\\): 20 physical connects, 0 failed;"
                + " 20 closes: local 20 \\(100%\\)").matcher(run.output);
        assertTrue(failed.find(), run::toString);
        String port = failed.group(1);
        assertTrue(run.output.contains("top call sites: 20 at " + TEST_CLASS + ".connectionPerOrder(OrderWriterTest.java:"),
                run::toString);

        String passed = "[portwatch] " + TEST_CLASS + ".oneConnectionForAllOrders(): within the connection budget for localhost:"
                + port + ": 1 physical connects (budget 1), 1 local closes (budget 1)";
        assertTrue(run.output.contains("\n" + passed + "\n"), () -> "on the console: " + passed + "\n" + run);
        String over = "[portwatch] " + TEST_CLASS + ".connectionPerOrder(): connection budget exceeded for localhost:" + port;
        assertTrue(run.output.contains("\n" + over), () -> "on the console: " + over + "\n" + run);

        Path report = project.resolve("target/surefire-reports/TEST-" + TEST_CLASS + ".xml");
        assertTrue(systemErr(report, "oneConnectionForAllOrders").contains(passed + "\n"),
                () -> "in " + report + ": " + passed);
        assertTrue(systemErr(report, "connectionPerOrder").contains(over), () -> "in " + report + ": " + over);
    }

    /** The {@code <system-err>} Surefire's XML report keeps for one test case; empty when none. */
    private static String systemErr(Path report, String testName) throws Exception {
        NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                .getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getAttribute("name").equals(testName)) {
                NodeList err = c.getElementsByTagName("system-err");
                return err.getLength() == 0 ? "" : err.item(0).getTextContent();
            }
        }
        throw new AssertionError(report + " has no test case " + testName);
    }
}
