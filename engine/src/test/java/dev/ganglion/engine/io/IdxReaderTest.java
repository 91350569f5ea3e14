package dev.ganglion.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ganglion.engine.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file: 00 00 type ndims, big-endian dims, payload. */
    static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(payload).array();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private Path file(byte[] content) throws IOException {
        return HostileFiles.bytes(dir, content);
    }

    private void assertRejected(byte[] content, String... fragments) throws IOException {
        Path f = file(content);
        assertThatThrownBy(() -> IdxReader.read(f)).isInstanceOf(IdxFormatException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContainingAll(fragments);
    }

    @Test
    void readsU8RawAndGzipIdentically() throws IOException {
        byte[] payload = {0, 1, 2, (byte) 200, (byte) 255, 7};
        byte[] raw = idx(0x08, new int[] {2, 3}, payload);
        for (byte[] content : new byte[][] {raw, gzip(raw)}) {
            IdxArray a = IdxReader.read(file(content));
            assertThat(a.type()).isEqualTo(IdxType.U8);
            assertThat(a.shape()).isEqualTo(Shape.of(2, 3));
            assertThat(a.raw()).isEqualTo(payload);
            assertThat(a.toInts()).containsExactly(0, 1, 2, 200, 255, 7);
            assertThat(a.toFloats()).containsExactly(0, 1, 2, 200, 255, 7);
        }
    }

    @Test
    void readsEverySignedAndFloatTypeBigEndian() throws IOException {
        IdxArray i8 = IdxReader.read(file(idx(0x09, new int[] {2}, new byte[] {-128, 127})));
        assertThat(i8.toInts()).containsExactly(-128, 127);
        IdxArray i16 = IdxReader.read(file(idx(0x0B, new int[] {2}, ByteBuffer.allocate(4)
                .putShort((short) -300).putShort((short) 32767).array())));
        assertThat(i16.toInts()).containsExactly(-300, 32767);
        IdxArray i32 = IdxReader.read(file(idx(0x0C, new int[] {1, 2}, ByteBuffer.allocate(8)
                .putInt(Integer.MIN_VALUE).putInt(123456789).array())));
        assertThat(i32.toInts()).containsExactly(Integer.MIN_VALUE, 123456789);
        IdxArray f32 = IdxReader.read(file(gzip(idx(0x0D, new int[] {2}, ByteBuffer.allocate(8)
                .putFloat(1.5f).putFloat(-0.25f).array()))));
        assertThat(f32.toFloats()).containsExactly(1.5f, -0.25f);
        IdxArray f64 = IdxReader.read(file(idx(0x0E, new int[] {1}, ByteBuffer.allocate(8).putDouble(0.1).array())));
        assertThat(f64.toFloats()).containsExactly(0.1f);
        assertThatThrownBy(f64::toInts).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toFloats");
        assertThatThrownBy(i32::raw).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("I32");
    }

    @Test
    void emptyArraysAreValid() throws IOException {
        IdxArray a = IdxReader.read(file(idx(0x08, new int[] {0, 28, 28}, new byte[0])));
        assertThat(a.shape()).isEqualTo(Shape.of(0, 28, 28));
        assertThat(a.raw()).isEmpty();
    }

    @Test
    void truncatedPayloads() throws IOException {
        byte[] full = idx(0x08, new int[] {3, 4}, new byte[12]);
        byte[] cut = Arrays.copyOf(full, 20);
        assertRejected(cut, "header declares 3×4 bytes but the file ends at byte offset 20");
        assertRejected(gzip(cut), "header declares 3×4 bytes but the decompressed data ends at byte offset 20", "gzip");
        byte[] ints = Arrays.copyOf(idx(0x0C, new int[] {5, 3}, new byte[60]), 40);
        assertRejected(ints, "5×3 i32 values", "byte offset 40");
    }

    @Test
    void truncatedOrCorruptGzipStreams() throws IOException {
        byte[] gz = gzip(idx(0x08, new int[] {1000}, new byte[1000]));
        assertRejected(Arrays.copyOf(gz, gz.length - 12), "gzip");
        byte[] garbage = gz.clone();
        for (int i = 12; i < garbage.length; i++) {
            garbage[i] = (byte) 0xFF;
        }
        assertRejected(garbage, "gzip");
    }

    @Test
    void trailingData() throws IOException {
        byte[] extra = idx(0x08, new int[] {2, 2}, new byte[5]);
        assertRejected(extra, "trailing data", "ending at byte offset 16", "file is 17 bytes long");
        assertRejected(gzip(extra), "trailing data", "continues past byte offset 16");
    }

    @Test
    void headerProblemsAreLocated() throws IOException {
        assertRejected(new byte[0], "file ends at byte offset 0 while reading the 4-byte magic number");
        assertRejected(new byte[] {0, 0}, "file ends at byte offset 2");
        assertRejected(new byte[] {1, 0, 8, 1, 0, 0, 0, 0}, "bad magic 01 00 at byte offset 0");
        assertRejected(new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 0}, "unknown element type 0x0a at byte offset 2");
        assertRejected(new byte[] {0, 0, 8, 0}, "dimension count 0 at byte offset 3");
        assertRejected(new byte[] {0, 0, 8, 9}, "dimension count 9 at byte offset 3");
        assertRejected(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0}, "file ends at byte offset 10 while reading 3 dimension sizes");
        assertRejected(idx(0x08, new int[] {1, -5}, new byte[0]), "dimension 1 at byte offset 8 is negative");
        assertRejected(gzip(new byte[] {0, 0, 8}), "decompressed data ends at byte offset 3");
    }

    @Test
    void oversizedDeclarationsAreRejectedBeforeAllocating() throws IOException {
        assertRejected(idx(0x08, new int[] {65536, 65536}, new byte[0]), "65536×65536 bytes", "above the limit");
        int big = Integer.MAX_VALUE;
        assertRejected(idx(0x0E, new int[] {big, big, big, big, big, big, big, big}, new byte[0]), "above the limit");
        // 1 GiB declared, a few bytes present: raw is rejected from the file size, gzip when its data runs out
        byte[] liar = idx(0x08, new int[] {1 << 15, 1 << 15}, new byte[10]);
        assertRejected(liar, "32768×32768 bytes but the file ends at byte offset 22");
        assertRejected(gzip(idx(0x08, new int[] {1 << 12, 1 << 12}, new byte[10])), "decompressed data ends at byte offset 22");
        // a gzip bomb's declared size is weighed against the heap before decompressing (it had run out of
        // memory): bytes + 4·bytes just over the heap
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap / 5 + 1 < Integer.MAX_VALUE - 8, "a heap too large to overflow with one IDX payload");
        int n = (int) (heap / 5 + 1);
        assertRejected(gzip(idx(0x08, new int[] {n}, new byte[10])), n + " bytes, more than this JVM's heap of",
                "give it more with -Xmx");
    }

    @Test
    void aCorruptGzipHeaderOrAFolderIsNamed() throws IOException {
        assertRejected(new byte[] {0x1f, (byte) 0x8b}, "starts like gzip but its gzip header is corrupt or truncated");
        assertRejected(new byte[] {0x1f, (byte) 0x8b, 7, 0, 0, 0, 0, 0, 0, 0}, "gzip header is corrupt or truncated");
        assertThatThrownBy(() -> IdxReader.read(dir)).isInstanceOf(IOException.class)
                .hasMessage(dir + " is a folder, not an IDX file");
        assertThatThrownBy(() -> SafetensorsReader.open(dir)).isInstanceOf(IOException.class)
                .hasMessage(dir + " is a folder, not a safetensors file");
    }
}
