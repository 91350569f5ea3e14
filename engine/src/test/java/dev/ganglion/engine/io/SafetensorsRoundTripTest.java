package dev.ganglion.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    /** Tensors of every supported dtype, including views, a scalar, an empty tensor and a unicode name. */
    private static SafetensorsWriter everyDtype() {
        Tensor base = Tensor.arange(12).reshape(3, 4);
        return new SafetensorsWriter()
                .put("f32", Tensor.of(new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE, -3}, 2, 3))
                .put("f64", Tensor.of(new double[] {Math.PI, -1e300, Double.MIN_VALUE}, 3))
                .put("transposed", base.mT())
                .put("sliced", base.slice(1, 1, 4, 2))
                .put("expanded", Tensor.of(new float[] {7, 8}, 2, 1).expand(2, 3))
                .put("scalar", Tensor.scalar(2.5f))
                .put("empty", Tensor.zeros(0, 5))
                .put("ünï ✓ 𝜋", Tensor.of(new float[] {9}, 1))
                .putInts("i32", new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, Shape.of(2, 2), IntType.I32)
                .putInts("i64", new int[] {Integer.MIN_VALUE, 5}, Shape.of(2), IntType.I64)
                .putInts("u8", new int[] {0, 1, 128, 255}, Shape.of(4), IntType.U8)
                .putInts("u8-scalar", new int[] {42}, Shape.scalar(), IntType.U8)
                .putInts("empty-ints", new int[0], Shape.of(3, 0), IntType.I32)
                .metadata("format", "pt")
                .metadata("note", "ünïcødé ✓ 𝜋 \"quoted\" \\ \n\t\u0001 \u2028");
    }

    @Test
    void everyDtypeRoundTrips() throws IOException {
        Path file = dir.resolve("all.safetensors");
        everyDtype().write(file);
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThat(f.metadata()).containsEntry("format", "pt")
                    .containsEntry("note", "ünïcødé ✓ 𝜋 \"quoted\" \\ \n\t\u0001 \u2028");
            Tensor f32 = f.tensor("f32");
            assertThat(f32.dtype()).isEqualTo(DType.F32);
            assertThat(f32.shape()).isEqualTo(Shape.of(2, 3));
            assertThat(f32.toFloatArray()).usingElementComparator(Float::compare)
                    .containsExactly(1.5f, -0f, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE, -3);
            Tensor f64 = f.tensor("f64");
            assertThat(f64.dtype()).isEqualTo(DType.F64);
            assertThat(f64.toDoubleArray()).containsExactly(Math.PI, -1e300, Double.MIN_VALUE);
            assertThat(f.tensor("transposed").toFloatArray()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
            assertThat(f.tensor("sliced").toFloatArray()).containsExactly(1, 3, 5, 7, 9, 11);
            assertThat(f.tensor("expanded").toFloatArray()).containsExactly(7, 7, 7, 8, 8, 8);
            assertThat(f.shape("scalar")).isEqualTo(Shape.scalar());
            assertThat(f.tensor("scalar").item()).isEqualTo(2.5);
            assertThat(f.tensor("empty").shape()).isEqualTo(Shape.of(0, 5));
            assertThat(f.tensor("ünï ✓ 𝜋").item()).isEqualTo(9);
            assertThat(f.ints("i32")).containsExactly(Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE);
            assertThat(f.shape("i32")).isEqualTo(Shape.of(2, 2));
            assertThat(f.ints("i64")).containsExactly(Integer.MIN_VALUE, 5);
            assertThat(f.ints("u8")).containsExactly(0, 1, 128, 255);
            assertThat(f.bytes("u8")).containsExactly(0, 1, (byte) 128, (byte) 255);
            assertThat(f.ints("u8-scalar")).containsExactly(42);
            assertThat(f.ints("empty-ints")).isEmpty();
            assertThat(f.dtype("i64")).isEqualTo("I64");
            assertThat(f.dtype("u8")).isEqualTo("U8");
        }
    }

    @Test
    void tensorsLargerThanOneReadChunkRoundTrip() throws IOException {
        int n = 300_007; // > 1 MiB for every dtype but U8, and not a multiple of the chunk
        float[] f = new float[n];
        double[] d = new double[n];
        int[] ints = new int[n];
        int[] u8 = new int[4 * n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.5f;
            d[i] = -i * 0.25;
            ints[i] = i * 7919 - 1_000_000;
        }
        for (int i = 0; i < u8.length; i++) {
            u8[i] = i % 251;
        }
        Path file = dir.resolve("big.safetensors");
        new SafetensorsWriter().put("f", Tensor.wrap(f, Shape.of(n))).put("d", Tensor.wrap(d, Shape.of(n)))
                .putInts("i32", ints, Shape.of(n), IntType.I32).putInts("i64", ints, Shape.of(n), IntType.I64)
                .putInts("u8", u8, Shape.of(4, n), IntType.U8).write(file);
        try (SafetensorsFile r = SafetensorsReader.open(file)) {
            assertThat(r.tensor("f").floatArray()).isEqualTo(f);
            assertThat(r.tensor("d").doubleArray()).isEqualTo(d);
            assertThat(r.ints("i32")).isEqualTo(ints);
            assertThat(r.ints("i64")).isEqualTo(ints);
            assertThat(r.ints("u8")).isEqualTo(u8);
        }
    }

    @Test
    void readingAfterCloseIsAnIoError() throws IOException {
        Path file = dir.resolve("closed.safetensors");
        everyDtype().write(file);
        SafetensorsFile f = SafetensorsReader.open(file);
        f.close();
        assertThat(f.names()).contains("f32");
        assertThatThrownBy(() -> f.tensor("f32")).isInstanceOf(IOException.class);
    }

    @Test
    void layoutFollowsTheReferenceOrderAndPadsTheHeader() throws IOException {
        byte[] bytes = everyDtype().toBytes();
        long n = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        Path file = dir.resolve("order.safetensors");
        Files.write(file, bytes);
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            // dtype rank descending (I64, F64, F32, I32, U8), then by name as UTF-8 bytes
            assertThat(f.names()).containsExactly("i64", "f64", "empty", "expanded", "f32", "scalar", "sliced",
                    "transposed", "ünï ✓ 𝜋", "empty-ints", "i32", "u8", "u8-scalar");
        }
    }

    /**
     * Bytes written by the reference Python package (safetensors 0.8.0, {@code safetensors.numpy.save}) for
     * the tensors built in {@link #goldenWriter()}; regenerate with the script in the method's comment.
     */
    private static final String GOLDEN_HEX = "d8010000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a2270742dc3"
            + "bc6ec3af5c6e5c22715c225c745c7530303031227d2c22696478223a7b226474797065223a22493634222c227368617065223a5b"
            + "325d2c22646174615f6f666673657473223a5b302c31365d7d2c2262696173223a7b226474797065223a22463634222c22736861"
            + "7065223a5b335d2c22646174615f6f666673657473223a5b31362c34305d7d2c22656d707479223a7b226474797065223a224633"
            + "32222c227368617065223a5b302c345d2c22646174615f6f666673657473223a5b34302c34305d7d2c22776569676874223a7b22"
            + "6474797065223a22463332222c227368617065223a5b322c335d2c22646174615f6f666673657473223a5b34302c36345d7d2c22"
            + "c3bc6ec3af223a7b226474797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b3634"
            + "2c36385d7d2c22636f756e74223a7b226474797065223a22493332222c227368617065223a5b5d2c22646174615f6f6666736574"
            + "73223a5b36382c37325d7d2c226279746573223a7b226474797065223a225538222c227368617065223a5b345d2c22646174615f"
            + "6f666673657473223a5b37322c37365d7d7d20202020202020fdffffffffffffffffffff7f00000000000000000000f83f000000"
            + "00000002c09c7500883ce4377e000080bf000000bf000000000000003f0000803f0000c03f000040400700000000017fff";

    /*
     * import numpy as np; from safetensors.numpy import save
     * d = {'weight': (np.arange(6, dtype=np.float32)*0.5 - 1).reshape(2,3),
     *      'bias': np.array([1.5, -2.25, 1e300]), 'idx': np.array([-3, 2**31-1], dtype=np.int64),
     *      'count': np.array(7, dtype=np.int32), 'empty': np.zeros((0,4), dtype=np.float32),
     *      'bytes': np.array([0,1,127,255], dtype=np.uint8), 'ünï': np.array([3.0], dtype=np.float32)}
     * print(save(d, metadata={'format': 'pt-ünï\n"q"\t\x01'}).hex())
     */
    private static SafetensorsWriter goldenWriter() {
        return new SafetensorsWriter()
                .put("weight", Tensor.of(new float[] {-1, -0.5f, 0, 0.5f, 1, 1.5f}, 2, 3))
                .put("bias", Tensor.of(new double[] {1.5, -2.25, 1e300}, 3))
                .putInts("idx", new int[] {-3, Integer.MAX_VALUE}, Shape.of(2), IntType.I64)
                .putInts("count", new int[] {7}, Shape.scalar(), IntType.I32)
                .put("empty", Tensor.zeros(0, 4))
                .putInts("bytes", new int[] {0, 1, 127, 255}, Shape.of(4), IntType.U8)
                .put("ünï", Tensor.of(new float[] {3}, 1))
                .metadata("format", "pt-ünï\n\"q\"\t\u0001");
    }

    @Test
    void writerMatchesTheReferenceImplementationByteForByte() {
        assertThat(HexFormat.of().formatHex(goldenWriter().toBytes())).isEqualTo(GOLDEN_HEX);
    }

    @Test
    void readerReadsTheReferenceFile() throws IOException {
        Path file = dir.resolve("golden.safetensors");
        Files.write(file, HexFormat.of().parseHex(GOLDEN_HEX));
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThat(f.names()).containsExactly("idx", "bias", "empty", "weight", "ünï", "count", "bytes");
            assertThat(f.metadata()).containsExactly(java.util.Map.entry("format", "pt-ünï\n\"q\"\t\u0001"));
            assertThat(f.tensor("weight").toFloatArray()).containsExactly(-1, -0.5f, 0, 0.5f, 1, 1.5f);
            assertThat(f.tensor("bias").toDoubleArray()).containsExactly(1.5, -2.25, 1e300);
            assertThat(f.ints("idx")).containsExactly(-3, Integer.MAX_VALUE);
            assertThat(f.ints("count")).containsExactly(7);
            assertThat(f.shape("count")).isEqualTo(Shape.scalar());
            assertThat(f.bytes("bytes")).containsExactly(0, 1, 127, (byte) 255);
        }
    }

    @Test
    void emptyWriterProducesTheReferenceEmptyFile() {
        byte[] expected = new byte[16];
        expected[0] = 8;
        System.arraycopy("{}      ".getBytes(StandardCharsets.US_ASCII), 0, expected, 8, 8);
        assertThat(new SafetensorsWriter().toBytes()).isEqualTo(expected);
    }

    @Test
    void wrongAccessorsNameTheTensorAndPointToTheRightOne() throws IOException {
        Path file = dir.resolve("acc.safetensors");
        everyDtype().write(file);
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThatThrownBy(() -> f.tensor("i32")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'i32'").hasMessageContaining("I32").hasMessageContaining("ints(name)");
            assertThatThrownBy(() -> f.tensor("u8")).hasMessageContaining("bytes(name)");
            assertThatThrownBy(() -> f.ints("f32")).hasMessageContaining("'f32'").hasMessageContaining("tensor(name)");
            assertThatThrownBy(() -> f.bytes("i32")).hasMessageContaining("U8 only");
            assertThatThrownBy(() -> f.tensor("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no tensor 'nope'").hasMessageContaining(file.toString());
        }
    }

    @Test
    void i64ValuesOutsideIntRangeAreReportedNotTruncated() throws IOException {
        // I64 [2] = {1, 2^40}, hand-built
        String json = "{\"big\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        Path file = HostileFiles.write(dir, json, HostileFiles.longsLe(1, 1L << 40));
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThatThrownBy(() -> f.ints("big")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'big'").hasMessageContaining("element 1").hasMessageContaining("1099511627776");
        }
    }

    @Test
    void foreignDtypesFailOnlyWhenAccessed() throws IOException {
        String json = "{\"h\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]},"
                + "\"odd\":{\"dtype\":\"X42\",\"shape\":[5],\"data_offsets\":[4,7]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[7,11]}}";
        byte[] buf = new byte[11];
        System.arraycopy(HostileFiles.floatsLe(4.5f), 0, buf, 7, 4);
        Path file = HostileFiles.write(dir, json, buf);
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThat(f.names()).containsExactly("h", "odd", "w");
            assertThat(f.dtype("h")).isEqualTo("F8_E4M3");
            assertThat(f.shape("h")).isEqualTo(Shape.of(4));
            assertThatThrownBy(() -> f.tensor("h")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unsupported dtype F8_E4M3 for tensor 'h'");
            assertThatThrownBy(() -> f.ints("odd")).hasMessageContaining("unsupported dtype X42 for tensor 'odd'");
            assertThat(f.tensor("w").item()).isEqualTo(4.5);
        }
    }

    @Test
    void halfAndBfloat16EntriesAreReadAsTheSameFloat32Values() throws IOException {
        // bit patterns as PyTorch writes them: 1, −2.5, the largest finite, the smallest subnormal, ∞, NaN
        short[] half = {0x3C00, (short) 0xC100, 0x7BFF, 0x0001, 0x7C00, 0x7E00};
        short[] brain = {0x3F80, (short) 0xC020, 0x7F7F, 0x0001, 0x7F80, 0x7FC0};
        byte[] buf = new byte[24];
        for (int i = 0; i < 6; i++) {
            buf[2 * i] = (byte) half[i];
            buf[2 * i + 1] = (byte) (half[i] >> 8);
            buf[12 + 2 * i] = (byte) brain[i];
            buf[12 + 2 * i + 1] = (byte) (brain[i] >> 8);
        }
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[6],\"data_offsets\":[12,24]}}";
        try (SafetensorsFile f = SafetensorsReader.open(HostileFiles.write(dir, json, buf))) {
            Tensor h = f.tensor("h");
            assertThat(h.dtype()).isEqualTo(DType.F32);
            assertThat(h.shape()).isEqualTo(Shape.of(2, 3));
            assertThat(h.toFloatArray()).containsExactly(1f, -2.5f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, Float.NaN);
            assertThat(f.tensor("b").toFloatArray()).containsExactly(1f, -2.5f, 0x1.fep127f, 0x1p-133f,
                    Float.POSITIVE_INFINITY, Float.NaN);
            assertThatThrownBy(() -> f.ints("b")).hasMessageContaining("ints(name) reads I32, I64, I16, I8, U8 and BOOL");
        }
    }

    @Test
    void writerRejectsBadInput() {
        SafetensorsWriter w = new SafetensorsWriter().put("a", Tensor.zeros(2)).metadata("k", "v");
        assertThatThrownBy(() -> w.put("a", Tensor.zeros(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate tensor name 'a'");
        assertThatThrownBy(() -> w.putInts("a", new int[] {1}, Shape.of(1), IntType.I32))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> w.put("__metadata__", Tensor.zeros(1))).hasMessageContaining("reserved");
        assertThatThrownBy(() -> w.metadata("k", "w")).hasMessageContaining("duplicate key 'k'");
        assertThatThrownBy(() -> w.putInts("u", new int[] {0, 256}, Shape.of(2), IntType.U8))
                .hasMessageContaining("[1] = 256").hasMessageContaining("U8");
        assertThatThrownBy(() -> w.putInts("u", new int[] {-1}, Shape.of(1), IntType.U8)).hasMessageContaining("-1");
        assertThatThrownBy(() -> w.putInts("n", new int[3], Shape.of(2, 2), IntType.I32))
                .hasMessageContaining("3 values").hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> w.put("bad\uD800", Tensor.zeros(1))).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> w.metadata(null, "x")).hasMessageContaining("null");
    }
}
