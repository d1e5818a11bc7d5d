package dev.sfumato.nn.serialization;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    private static String error(String text) {
        return assertThrows(Json.JsonException.class, () -> Json.parse(text)).getMessage();
    }

    @Test
    void parsesEveryKindOfValue() throws Json.JsonException {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("z", List.of(0L, -12L, 123456789012345678L));
        expected.put("a", Arrays.asList(true, false, null));
        expected.put("n", List.of(new BigDecimal("1.5"), new BigDecimal("-2e3"), new BigDecimal("12345678901234567890")));
        expected.put("s", "tab\t \"q\" \\ / \u00e9 \uD83D\uDE00");
        expected.put("o", Map.of());
        Object parsed = Json.parse(" {\"z\":[0, -12, 123456789012345678], \"a\":[true,false,null],\r\n"
                + "\"n\":[1.5,-2e3,12345678901234567890], \"s\":\"tab\\t \\\"q\\\" \\\\ \\/ \u00e9 \\ud83d\\ude00\","
                + " \"o\":{}} ");
        assertEquals(expected, parsed);
        assertEquals(List.of("z", "a", "n", "s", "o"), List.copyOf(((Map<?, ?>) parsed).keySet()), "file order kept");
    }

    @Test
    void quoteRoundTripsAnyString() throws Json.JsonException {
        String nasty = "\"\\\n\r\t\b\f\u0000\u0001\u001f \u007f \u00e9 \u2713 \uD83D\uDE00 </script>";
        String quoted = Json.quote(nasty);
        assertEquals("\"\\\"\\\\\\n\\r\\t\\b\\f\\u0000\\u0001\\u001f \u007f \u00e9 \u2713 \uD83D\uDE00 </script>\"", quoted);
        assertEquals(nasty, Json.parse(quoted));
    }

    @Test
    void rejectsWhatRfc8259Rejects() {
        assertTrue(error("{\"a\":1,}").contains("expected a string key at character 7"));
        assertTrue(error("[1,]").contains("expected a value at character 3"));
        assertTrue(error("{\"a\":1 \"b\":2}").contains("expected ',' or '}' at character 7"));
        assertTrue(error("01").contains("expected end of input after the top-level value at character 1"));
        assertTrue(error("1.").contains("a digit after '.'"));
        assertTrue(error("-").contains("a digit"));
        assertTrue(error("1e").contains("a digit in the exponent"));
        assertTrue(error("NaN").contains("expected a value at character 0"));
        assertTrue(error("tru").contains("expected a value"));
        assertTrue(error("\"a\nb\"").contains("no raw control character"));
        assertTrue(error("\"\\x\"").contains("one of"));
        assertTrue(error("\"\\u12g4\"").contains("a hex digit"));
        assertTrue(error("\"open").contains("a closing '\"'"));
        assertTrue(error("{} // comment").contains("end of input after the top-level value"));
        assertTrue(error("").contains("expected a value at character 0, found end of input"));
        assertEquals("duplicate key \"k\" at character 8", error("{\"k\":1, \"k\":2}"));
    }

    @Test
    void limitsNesting() throws Json.JsonException {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        String deep = "[".repeat(100_000); // would overflow the stack of a naive recursive parser
        assertTrue(error(deep).contains("at most " + Json.MAX_DEPTH + " levels of nesting"));
    }
}
