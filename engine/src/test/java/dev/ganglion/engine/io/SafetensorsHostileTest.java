package dev.ganglion.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One crafted file per validation rule; each must fail with a specific, located message. */
class SafetensorsHostileTest {
    @TempDir
    Path dir;

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private void assertRejected(Path file, String... fragments) {
        assertThatThrownBy(() -> SafetensorsReader.open(file).close())
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContainingAll(fragments);
    }

    private void assertRejected(String json, int bufferBytes, String... fragments) throws IOException {
        assertRejected(HostileFiles.write(dir, json, new byte[bufferBytes]), fragments);
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        assertRejected(HostileFiles.bytes(dir, new byte[5]), "5 bytes long", "8-byte header length");
    }

    @Test
    void headerLengthAboveTheLimitIsRejectedBeforeAllocating() throws IOException {
        assertRejected(HostileFiles.writeRaw(dir, 1L << 40, "{}".getBytes(StandardCharsets.US_ASCII)),
                "header length 1099511627776", "bytes 0-7", "100000000");
        assertRejected(HostileFiles.writeRaw(dir, -1L, new byte[4]), "header length 18446744073709551615");
    }

    @Test
    void aTensorLargerThanTheHeapIsRefusedBeforeItIsRead() throws IOException {
        // a sparse file declaring more floats than the heap holds (8 KB on disk) had run out of memory
        long heap = Runtime.getRuntime().maxMemory();
        long n = heap / Float.BYTES + 1;
        org.junit.jupiter.api.Assumptions.assumeTrue(n < dev.ganglion.engine.Shape.MAX_ELEMENTS, "a heap of 8 GiB or more");
        Path f = HostileFiles.write(dir, "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":[0,"
                + n * Float.BYTES + "]}}", new byte[0]);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() + n * Float.BYTES);   // sparse: no disk used
        }
        try (SafetensorsFile file = SafetensorsReader.open(f)) {
            assertThatThrownBy(() -> file.tensor("w")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(f + ": tensor 'w': F32 [" + n + "] needs ")
                    .hasMessageContaining("more than the JVM's maximum heap");
        }
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        assertRejected(HostileFiles.writeRaw(dir, 50_000_000, "{}".getBytes(StandardCharsets.US_ASCII)),
                "header length 50000000", "exceeds the 2 bytes that follow", "file size 10");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "truncated        | {\"a\":{\"dtype\":\"F32\"          | unexpected end of JSON",
        "trailing text    | {} x                              | unexpected text after the JSON value",
        "boolean          | {\"a\":true}                      | unsupported JSON token starting with 't'",
        "null             | {\"a\":null}                      | unsupported JSON token starting with 'n'",
        "fraction         | {\"a\":[1.5]}                     | non-integer number",
        "exponent         | {\"a\":[1e3]}                     | non-integer number",
        "leading zero     | {\"a\":[01]}                      | leading zero",
        "huge integer     | {\"a\":[99999999999999999999]}    | does not fit in 64 bits",
        "bad escape       | {\"a\\q\":1}                      | invalid escape '\\q'",
        "bad unicode hex  | {\"\\u12G4\":1}                   | invalid hex digit",
        "missing colon    | {\"a\" 1}                         | expected ':'",
        "missing comma    | {\"a\":[1 2]}                     | expected ']'",
        "key not string   | {a:1}                             | expected a string key",
        "root is array    | [1,2]                             | not an object",
    })
    void malformedJson(String what, String json, String message) throws IOException {
        assertRejected(json, 0, message);
    }

    @Test
    void malformedJsonReportsTheFileOffset() throws IOException {
        // the bad token 'x' is at JSON byte 3, file byte 11
        assertRejected("{} x", 0, "at byte offset 11");
    }

    @Test
    void rawControlCharactersInvalidUtf8AndDeepNesting() throws IOException {
        assertRejected("{\"a\nb\":1}", 0, "raw control character 0xa");
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, '(', '"', ':', '1', '}'};
        assertRejected(HostileFiles.writeRaw(dir, badUtf8.length, badUtf8), "invalid UTF-8");
        String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertRejected(deep, 0, "nested deeper than 16");
    }

    @Test
    void duplicateNamesAreRejected() throws IOException {
        String json = "{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}";
        int second = json.indexOf("\"w\"", 2);
        assertRejected(json, 8, "duplicate key \"w\" at byte offset " + (8 + second));
        assertRejected("{\"__metadata__\":{},\"__metadata__\":{\"a\":\"b\"}}", 0, "duplicate key \"__metadata__\"");
    }

    @Test
    void oversizedJsonStructuresAreRejectedEarly() throws IOException {
        String longShape = "[" + "1,".repeat(5000) + "1]";
        assertRejected("{" + entry("w", "U8", longShape, 0, 1) + "}", 1, "JSON array longer than 1024 elements");
        StringBuilder meta = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i <= SafetensorsHeader.MAX_METADATA_KEYS; i++) {
            meta.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":\"\"");
        }
        assertRejected(meta.append("}}").toString(), 0, "65537 keys, more than the 65536 accepted");
    }

    @Test
    void entriesNeedTheirThreeFieldsAndNothingElse() throws IOException {
        assertRejected("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'w'", "\"dtype\" is missing");
        assertRejected("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "tensor 'w'", "\"shape\" is missing");
        assertRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor 'w'", "\"data_offsets\" is missing");
        assertRejected("{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "\"dtype\" is missing or not a string");
        assertRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4,
                "\"shape\"[0] is not an integer");
        assertRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":[]}}", 4,
                "unknown field \"x\"");
        assertRejected("{\"w\":5}", 0, "tensor 'w'", "entry is not an object");
        assertRejected("{" + entry("w", "F32", "[1]", 0, 4).replace("[0,4]", "[0,4,8]") + "}", 8,
                "\"data_offsets\" has 3 values");
        assertRejected("{" + entry("w", "F32", "[0]", 4, 0) + "}", 4, "begin > end");
    }

    @Test
    void negativeDimensionsAndOffsets() throws IOException {
        assertRejected("{" + entry("w", "F32", "[2,-1]", 0, 4) + "}", 4, "tensor 'w'", "\"shape\"[1] is negative: -1");
        assertRejected("{" + entry("w", "F32", "[1]", -4, 0) + "}", 4, "\"data_offsets\"[0] is negative");
    }

    @Test
    void shapeMustMatchTheByteRange() throws IOException {
        assertRejected("{" + entry("w", "F32", "[2,3]", 0, 20) + "}", 20,
                "tensor 'w'", "[2, 3] of F32 needs 24 bytes", "[0, 20] span 20");
        assertRejected("{" + entry("q", "F4", "[3]", 0, 2) + "}", 2, "12 bits (not a whole byte count)");
    }

    @Test
    void overflowingShapesAreRejectedNotWrapped() throws IOException {
        // 2^31 · 2^31 · 4 bytes = 2^64 wraps to 0 in unchecked 64-bit arithmetic
        assertRejected("{" + entry("w", "F32", "[2147483648,2147483648]", 0, 0) + "}", 0,
                "tensor 'w'", "overflows 64-bit byte arithmetic");
        assertRejected("{" + entry("w", "U8", "[9223372036854775807,2]", 0, 0) + "}", 0, "overflows");
    }

    @Test
    void offsetsOutsideTheBuffer() throws IOException {
        assertRejected("{" + entry("w", "F32", "[4]", 0, 16) + "}", 8,
                "tensor 'w'", "[0, 16]", "file bytes", "outside the 8-byte data buffer");
        // an entry far past the buffer is named itself, before the tiling: sorted by begin it came
        // last, and the entry after the hole it left was blamed for a "gap"
        String past = "{" + entry("b", "F32", "[1]", 1000, 1004) + "," + entry("x", "F32", "[6]", 4, 28) + "}";
        assertRejected(past, 28, "tensor 'b'", "data_offsets [1000, 1004]", "outside the 28-byte data buffer");
    }

    @Test
    void overlappingEntries() throws IOException {
        String json = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[1]", 4, 8) + "}";
        assertRejected(json, 8, "tensor 'b'", "overlap tensor 'a' [0, 8]");
        String same = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}";
        assertRejected(same, 4, "overlap");
    }

    @Test
    void gapsAndUncoveredTailBytes() throws IOException {
        String gap = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}";
        assertRejected(gap, 12, "tensor 'b'", "gap in the data buffer: bytes [4, 8)");
        String json = "{" + entry("a", "F32", "[1]", 0, 4) + "}";
        int n = json.length();
        assertRejected(json, 6, "data buffer bytes [4, 6)", "file offset " + (8 + n + 4), "belong to no tensor");
    }

    @Test
    void metadataMustBeAStringMap() throws IOException {
        assertRejected("{\"__metadata__\":{\"epoch\":3}}", 0, "value for key \"epoch\" is not a string: integer 3");
        assertRejected("{\"__metadata__\":[\"x\"]}", 0, "\"__metadata__\" is not an object");
        assertRejected("{\"__metadata__\":{\"a\":\"x\",\"a\":\"y\"}}", 0, "duplicate key \"a\"");
    }

    @Test
    void validButHugeShapesOpenAndFailOnlyWhenAsked() throws IOException {
        // zero elements, so the byte range is valid, but no Shape can hold a 2^40 dimension
        Path file = HostileFiles.write(dir, "{" + entry("w", "F32", "[0,1099511627776]", 0, 0) + "}", new byte[0]);
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThat(f.names()).containsExactly("w");
            assertThatThrownBy(() -> f.shape("w")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tensor 'w'").hasMessageContaining("2^31");
            assertThatThrownBy(() -> f.tensor("w")).hasMessageContaining("2^31");
        }
    }

    @Test
    void whitespaceAroundTheJsonIsAccepted() throws IOException {
        Path file = HostileFiles.write(dir, "  { \"w\" : {\"dtype\":\"F32\", \"shape\":[ 1 ], \"data_offsets\":[0, 4]} }  ",
                HostileFiles.floatsLe(2f));
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThat(f.tensor("w").item()).isEqualTo(2.0);
        }
    }
}
