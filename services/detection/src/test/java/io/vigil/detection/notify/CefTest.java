package io.vigil.detection.notify;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CefTest {

    @Test
    void headerEscapesPipeAndBackslashAndFlattensLineBreaks() {
        assertEquals("a\\|b\\\\c d e", Cef.header("a|b\\c\nd\re"));
    }

    @Test
    void extensionValueEscapesEqualsBackslashAndEncodesNewlinesButLeavesPipes() {
        assertEquals("x\\=1 \\\\ y|z\\nnext\\nline\\rend", Cef.value("x=1 \\ y|z\nnext\r\nline\rend"));
    }

    @Test
    void formatsTheSevenHeaderFieldsThenTheExtensionsInOrderSkippingNulls() {
        Map<String, String> ext = new LinkedHashMap<>();
        ext.put("src", "10.0.0.5");
        ext.put("cs1", null);
        ext.put("msg", "a=b|c");
        assertEquals("CEF:0|Vigil|Vigil|1.0|scan.horizontal|Probing \\| Recon|8|src=10.0.0.5 msg=a\\=b|c",
                Cef.format("Vigil", "Vigil", "1.0", "scan.horizontal", "Probing | Recon", 8, ext));
    }

    @Test
    void refusesSeverityOutsideZeroToTenAndKeysThatAreNotPlainWords() {
        assertThrows(IllegalArgumentException.class, () -> Cef.format("V", "V", "1", "s", "n", 11, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Cef.format("V", "V", "1", "s", "n", 5, Map.of("a b", "x")));
        assertThrows(IllegalArgumentException.class, () -> Cef.format("V", "V", "1", "s", "n", 5, Map.of("a=b", "x")));
    }

    @Test
    void escapedOutputParsesBackToTheOriginalValues() {
        Map<String, String> ext = new LinkedHashMap<>();
        ext.put("msg", "weird = value \\ with | and\nnewline");
        ext.put("cs1", "end");
        String line = Cef.format("Vigil", "Vigil", "1", "id", "name|x", 3, ext);
        CefParser.Parsed p = CefParser.parse(line);
        assertEquals("name|x", p.header().get(4));
        assertEquals("3", p.header().get(5));
        assertEquals("weird = value \\ with | and\nnewline", p.extensions().get("msg"));
        assertEquals("end", p.extensions().get("cs1"));
    }
}
