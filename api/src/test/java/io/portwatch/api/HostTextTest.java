package io.portwatch.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostTextTest {

    @Test
    void namesAndIpv4AreOnlyLowerCased() {
        assertEquals("db.example.com", HostText.normal("DB.Example.com"));
        assertEquals("127.0.0.1", HostText.normal("127.0.0.1"));
    }

    @Test
    void ipv6LiteralsTakeTheJdksForm() throws Exception {
        for (String literal : new String[] {"::1", "[::1]", "::", "2001:DB8::1", "fe80::1:2", "2001:db8:0:0:1::",
                "1:2:3:4:5:6:7:8", "::ffff:10.0.0.5", "64:ff9b::192.0.2.33", "0:0:0:0:0:0:0:1"}) {
            String bare = literal.replace("[", "").replace("]", "");
            // A literal: InetAddress parses it without a lookup; the agent reports getHostAddress().
            assertEquals(java.net.InetAddress.getByName(bare).getHostAddress(), HostText.normal(literal), literal);
        }
        assertEquals("fe80:0:0:0:0:0:0:1%eth0", HostText.normal("fe80::1%eth0"));
    }

    @Test
    void textThatIsNotALiteralIsLeftAsItIs() {
        for (String odd : new String[] {"1::2::3", "12345::1", "g::1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "::1.2.3",
                "::256.0.0.1", "::-1"}) {
            assertEquals(odd, HostText.normal(odd), odd);
        }
    }
}
