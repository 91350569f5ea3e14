package dev.ganglion.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BOOL, I8 and I16 entries (PyTorch's bool masks, int8 and int16 tensors) read as ints. */
class SafetensorsNarrowIntsTest {
    @TempDir
    Path dir;

    /**
     * Header and data as PyTorch 1.13 lays out {@code torch.tensor([[True, False, True], [False, False,
     * True]])}, {@code torch.tensor([-128, -1, 0, 127], dtype=torch.int8)} and {@code torch.tensor([-32768,
     * -2, 300, 32767], dtype=torch.int16)} ({@code numpy().tobytes()}), in a handwritten safetensors file.
     */
    private static final String TORCH_JSON = "{\"mask\":{\"dtype\":\"BOOL\",\"shape\":[2,3],\"data_offsets\":[0,6]},"
            + "\"i8\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[6,10]},"
            + "\"i16\":{\"dtype\":\"I16\",\"shape\":[4],\"data_offsets\":[10,18]}}";
    private static final String TORCH_DATA = "01000100000180ff007f0080feff2c01ff7f";

    @Test
    void boolInt8AndInt16EntriesAreWidenedToInts() throws IOException {
        // each was "unsupported dtype BOOL" (I8, I16)
        Path file = HostileFiles.write(dir, TORCH_JSON, HexFormat.of().parseHex(TORCH_DATA));
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThat(f.shape("mask")).isEqualTo(Shape.of(2, 3));
            assertThat(f.ints("mask")).containsExactly(1, 0, 1, 0, 0, 1);
            assertThat(f.ints("i8")).containsExactly(-128, -1, 0, 127);
            assertThat(f.ints("i16")).containsExactly(-32768, -2, 300, 32767);
            assertThat(f.holdsFloats("mask")).isFalse();
            assertThatThrownBy(() -> f.tensor("mask")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'mask' has integer dtype BOOL; read it with ints(name)");
            assertThatThrownBy(() -> f.bytes("i8")).hasMessageContaining("U8 only");
        }
    }

    @Test
    void aBoolByteOtherThanZeroOrOneIsRefusedNamingItsPlace() throws IOException {
        String json = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}";
        Path file = HostileFiles.write(dir, json, new byte[] {1, 0, (byte) 0xFE});
        long offset = 8 + json.length() + 2;
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThatThrownBy(() -> f.ints("m")).isInstanceOf(SafetensorsFormatException.class)
                    .hasMessage(file + ": tensor 'm' (BOOL) element 2 is byte 254 at file offset " + offset
                            + ", not 0 (false) or 1 (true)");
        }
    }

    @Test
    void theHeaderChecksTheirByteLengths() {
        // ∏shape × element size must equal the byte range, for these dtypes as for the others
        String[][] cases = {{"BOOL", "[2,3]", "5"}, {"I8", "[4]", "8"}, {"I16", "[4]", "4"}, {"I16", "[3]", "5"}};
        for (String[] c : cases) {
            int length = Integer.parseInt(c[2]);
            String json = "{\"t\":{\"dtype\":\"" + c[0] + "\",\"shape\":" + c[1] + ",\"data_offsets\":[0," + length + "]}}";
            assertThatThrownBy(() -> SafetensorsReader.open(HostileFiles.write(dir, json, new byte[length])))
                    .as(c[0] + " " + c[1]).isInstanceOf(SafetensorsFormatException.class)
                    .hasMessageContaining("tensor 't': shape").hasMessageContaining("of " + c[0] + " needs");
        }
    }

    @Test
    void largeEntriesWidenAcrossReadChunks() throws IOException {
        // 3 MiB of I16 and of BOOL: several 1 MiB chunks, each element in the right place
        int n = 3 << 19;
        byte[] data = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            data[2 * i] = (byte) i;
            data[2 * i + 1] = (byte) (i >> 8);
            data[2 * n + i] = (byte) (i % 3 == 0 ? 1 : 0);
        }
        String json = "{\"s\":{\"dtype\":\"I16\",\"shape\":[" + n + "],\"data_offsets\":[0," + 2 * n + "]},"
                + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[" + n + "],\"data_offsets\":[" + 2 * n + "," + 3 * n + "]}}";
        try (SafetensorsFile f = SafetensorsReader.open(HostileFiles.write(dir, json, data))) {
            int[] s = f.ints("s");
            int[] b = f.ints("b");
            for (int i = 0; i < n; i++) {
                if (s[i] != (short) i || b[i] != (i % 3 == 0 ? 1 : 0)) {
                    throw new AssertionError("element " + i + ": " + s[i] + ", " + b[i]);
                }
            }
        }
    }
}
