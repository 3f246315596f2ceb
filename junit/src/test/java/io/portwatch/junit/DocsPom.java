package io.portwatch.junit;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The pom.xml of a user's project that followed docs/churn-budgets.md: a plain JUnit Jupiter
 * project (maven-project/pom-template.xml) with the docs' Maven snippet merged into it as the docs
 * say, so that what is tested is the snippet a user copies, not a copy of it.
 */
final class DocsPom {

    /** Where the snippet's elements are merged into the template's; anything else is added. */
    private static final Set<String> CONTAINERS = Set.of("properties", "dependencies", "build", "plugins");
    /** The plugins the template pins, at the versions portwatch's own build uses. */
    private static final List<String> PINNED = List.of("maven-resources-plugin", "maven-compiler-plugin");

    private DocsPom() {}

    /** The first {@code ```xml} block after {@code heading} in a Markdown file. */
    static String xmlBlock(Path markdown, String heading) throws Exception {
        String text = Files.readString(markdown);
        int at = text.indexOf(heading);
        if (at < 0) {
            throw new AssertionError(markdown + " has no heading '" + heading + "'");
        }
        int start = text.indexOf("```xml\n", at);
        int end = start < 0 ? -1 : text.indexOf("\n```", start + 7);
        if (end < 0) {
            throw new AssertionError(markdown + " has no ```xml block after '" + heading + "'");
        }
        return text.substring(start + 7, end);
    }

    /** The template with {@code snippet}'s elements merged in; versions from portwatch's root pom. */
    static String build(String snippet, Path rootPom) throws Exception {
        Document root = parse(Files.readString(rootPom));
        String template;
        try (InputStream in = DocsPom.class.getResourceAsStream("/maven-project/pom-template.xml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        template = template.replace("@junit.version@", property(root, "junit.version"));
        for (String plugin : PINNED) {
            template = template.replace("@" + plugin + ".version@", managedVersion(root, plugin));
        }
        if (template.matches("(?s).*@[a-z][\\w.-]*@.*")) {
            throw new AssertionError("a placeholder of maven-project/pom-template.xml is not filled:\n" + template);
        }
        Document pom = parse(template);
        Document fragments = parse("<snippet>" + snippet + "</snippet>");
        merge(pom, pom.getDocumentElement(), fragments.getDocumentElement());
        return write(pom);
    }

    /** The version portwatch's own build gives {@code artifactId} in its pluginManagement. */
    static String managedVersion(Document rootPom, String artifactId) {
        NodeList plugins = rootPom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            Element a = child(p, "artifactId");
            Element v = child(p, "version");
            if (a != null && v != null && artifactId.equals(a.getTextContent().trim())) {
                return v.getTextContent().trim();
            }
        }
        throw new AssertionError("portwatch's pom.xml does not manage " + artifactId);
    }

    static String managedVersion(Path rootPom, String artifactId) throws Exception {
        return managedVersion(parse(Files.readString(rootPom)), artifactId);
    }

    private static String property(Document rootPom, String name) {
        Element properties = child(rootPom.getDocumentElement(), "properties");
        return child(properties, name).getTextContent().trim();
    }

    private static void merge(Document pom, Element into, Element from) {
        for (Node n = from.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element)) {
                continue;
            }
            Element e = (Element) n;
            Element existing = CONTAINERS.contains(e.getTagName()) ? child(into, e.getTagName()) : null;
            if (existing != null) {
                merge(pom, existing, e);
            } else {
                into.appendChild(pom.importNode(e, true));
            }
        }
    }

    /** The first child element named {@code name}, or null. */
    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                return (Element) n;
            }
        }
        return null;
    }

    private static Document parse(String xml) throws Exception {
        // Not namespace-aware: the template's and the snippet's elements then compare by plain name.
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static String write(Document pom) throws Exception {
        StringWriter out = new StringWriter();
        javax.xml.transform.Transformer t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        t.transform(new DOMSource(pom), new StreamResult(out));
        return out.toString();
    }
}
