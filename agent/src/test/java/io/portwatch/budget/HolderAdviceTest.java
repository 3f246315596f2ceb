package io.portwatch.budget;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The words for who holds the ports: named processes, and whose the TIME_WAITs are. */
class HolderAdviceTest {

    private static final PortHolder PYTHON = new PortHolder(4711, "python3", 120);
    private static final PortHolder JAVA = new PortHolder(812, "java", 30);

    @Test
    void namedWhenTheyHoldHalfTheOpenPorts() {
        Advice a = new Advice().namedHolders(List.of(PYTHON, JAVA), 150, 180, false);
        assertEquals(List.of("process 4711 (python3) holds 120 of the 180 open ports toward it, process 812 (java) 30"),
                a.sentences());
        assertEquals(List.of("others"), a.causes(), "a figure of one sample: said, not a reason to say it again");
    }

    @Test
    void namedWhenTheChurnIsElsewhereHoweverFewTheirOpenPorts() {
        List<PortHolder> one = List.of(new PortHolder(4711, null, 2));
        assertTrue(new Advice().namedHolders(one, 2, 40, false).sentences().isEmpty(), "2 of 40: not worth it");
        assertEquals(List.of("process 4711 holds 2 of the 40 open ports toward it"),
                new Advice().namedHolders(one, 2, 40, true).sentences());
    }

    @Test
    void beyondThreeTheRestAreCountedAndTheUnreadableToo() {
        List<PortHolder> five = List.of(PYTHON, JAVA, new PortHolder(9, "a", 5), new PortHolder(10, "b", 4),
                new PortHolder(11, "c", 1));
        String s = new Advice().namedHolders(five, 170, 200, false).text();
        assertEquals("process 4711 (python3) holds 120 of the 200 open ports toward it, process 812 (java) 30,"
                + " process 9 (a) 5 and 2 more processes, 10 held by processes this user may not read"
                + " (ss -tnp as root shows them)", s);
    }

    @Test
    void theTimeWaitsAreSplitOnlyWhenTheChurnIsElsewhere() {
        assertTrue(new Advice().timeWaitHolders(120, 330, false).sentences().isEmpty());
        assertEquals("of the 330 TIME_WAITs toward it, this JVM holds 120 (its confirmed closes), other processes 210",
                new Advice().timeWaitHolders(120, 330, true).text());
        assertEquals("of the 10 TIME_WAITs toward it, this JVM holds 10 (its confirmed closes), other processes 0",
                new Advice().timeWaitHolders(25, 10, true).text(), "reused or destroyed early: at most the rows");
    }

    @Test
    void theChurnIsElsewhereWhenOthersCloseAtLeastAsOftenAndOftenEnough() {
        assertTrue(Advice.churnElsewhere(3.5, 2.0));
        assertTrue(!Advice.churnElsewhere(0.4, 0.0), "a few stray closes");
        assertTrue(!Advice.churnElsewhere(1.0, 5.0), "this JVM's churn");
    }
}
