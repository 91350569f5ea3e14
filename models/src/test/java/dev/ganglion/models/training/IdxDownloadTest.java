package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from loopback servers: files this test writes, and servers that misbehave on purpose. */
class IdxDownloadTest {
    /** The idle limit in these tests (30 s in use). */
    /** The idle limit of the tests whose server stalls; the others wait longer, so that a loaded machine fails none. */
    private static final Duration SHORT_IDLE = Duration.ofMillis(300);
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final String NO_MD5 = "00000000000000000000000000000000";
    @TempDir
    Path served;
    @TempDir
    Path cache;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            Path f = served.resolve(ex.getRequestURI().getPath().substring(1));
            byte[] body = Files.isRegularFile(f) ? Files.readAllBytes(f) : "missing".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(Files.isRegularFile(f) ? 200 : 404, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.createContext("/500/", ex -> {
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.createContext("/loop/", ex -> {
            ex.getResponseHeaders().add("Location", ex.getRequestURI().getPath());
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static Map<String, IdxDownload.Pin> pin(String file, long size, String md5) {
        return Map.of(file, new IdxDownload.Pin(size, md5));
    }

    /** Fetches with the given idle limit; a hang fails the test instead of the build. */
    private Path fetch(IdxDownload d, Duration idle) throws IOException {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> d.fetch(cache, idle));
    }

    private Path fetch(IdxDownload d) throws IOException {
        return fetch(d, IDLE);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertFetchFails(IdxDownload d, Duration idle) {
        return assertThatThrownBy(() -> fetch(d, idle)).isInstanceOf(IOException.class);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertFetchFails(IdxDownload d) {
        return assertFetchFails(d, IDLE);
    }

    /** How every failure ends: the file not saved, and what to do instead. */
    private String notSaved(String dataset) {
        return ", so " + cache.resolve(dataset).resolve("a.gz") + " was not saved; try again later, or, without a network, "
                + "copy the IDX files into " + cache.resolve(dataset) + " or give --data a folder that has them";
    }

    private static List<String> hidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    @Test
    void fetchesVerifiesAndThenUsesTheCache() throws IOException {
        IdxFiles.write(served, "t10k", 20, 2, 2);
        Map<String, IdxDownload.Pin> pins = new LinkedHashMap<>();
        for (String n : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            pins.put(n, new IdxDownload.Pin(Files.size(served.resolve(n)), IdxDownload.md5(served.resolve(n))));
        }
        IdxDownload d = new IdxDownload("tiny", base(), pins);
        Path dir = fetch(d);
        assertThat(Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte"))).isEqualTo(Files.readAllBytes(served.resolve("t10k-labels-idx1-ubyte")));
        assertThat(Tasks.load(new TaskSpec("idx", 0, 0, 0, 0, dir, false)).train().size()).isEqualTo(16);
        assertThat(requests.get()).isEqualTo(2);
        fetch(d);
        assertThat(requests.get()).isEqualTo(2); // verified cache: nothing fetched again
        assertThat(hidden(dir)).isEmpty();
        // the cached file has the permissions any new file gets (the umask's), not owner-only ones
        Path plain = Files.createFile(cache.resolve("plain"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("t10k-images-idx3-ubyte")))
                .isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void thePinnedMnistTestFilesDownloadAsTheRealOnes() throws IOException {
        String root = System.getProperty("ganglion.shared");
        Assumptions.assumeTrue(root != null, "ganglion.shared not set");
        Path real = Path.of(root, "data", "mnist-t10k");
        Assumptions.assumeTrue(Files.isDirectory(real), real + " absent");
        Map<String, IdxDownload.Pin> pins = new LinkedHashMap<>();
        for (String n : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(real.resolve(n), served.resolve(n));
            pins.put(n, IdxDownload.MNIST.files().get(n));
        }
        Path dir = fetch(new IdxDownload("mnist", base(), pins));
        assertThat(Files.size(dir.resolve("t10k-images-idx3-ubyte.gz"))).isEqualTo(1648877);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void aChecksumMismatchIsAClearErrorAndLeavesNoFile() throws IOException {
        Files.writeString(served.resolve("a.gz"), "not what was promised");
        assertFetchFails(new IdxDownload("bad", base(), pin("a.gz", 21, NO_MD5)))
                .hasMessageContaining("checksum mismatch").hasMessageContaining("expected " + NO_MD5).hasMessageEndingWith(notSaved("bad"));
        assertThat(cache.resolve("bad")).as("the folder this fetch created, left empty").doesNotExist();
    }

    @Test
    void anUnreachableServerSaysSoAndWhatToDoInstead() {
        URI closed = base();
        server.stop(0);
        assertFetchFails(new IdxDownload("offline", closed, pin("a.gz", 1, NO_MD5)))
                .hasMessageStartingWith(closed + "a.gz: cannot download (ConnectException")
                .hasMessageContaining("copy the IDX files into " + cache.resolve("offline"));
        assertThat(cache.resolve("offline")).doesNotExist();
    }

    @Test
    void anHttpErrorNamesTheStatusAndWhatToDoInstead() {
        for (String status : new String[] {"404", "500", "302"}) {
            URI uri = base().resolve(Map.of("404", "", "500", "500/", "302", "loop/").get(status));
            assertFetchFails(new IdxDownload("gone", uri, pin("a.gz", 1, NO_MD5)))
                    .hasMessageStartingWith(uri + "a.gz: HTTP " + status).hasMessageEndingWith(notSaved("gone"));
        }
        assertThatThrownBy(() -> IdxDownload.named("cifar")).hasMessageContaining("unknown dataset 'cifar'");
    }

    @Test
    void aServerThatStopsSendingFailsAfterTheIdleLimit() throws IOException {
        try (RawHttpServer silent = new RawHttpServer((out, raw) -> raw.stall())) {
            assertFetchFails(new IdxDownload("silent", silent.base(), pin("a.gz", 100, NO_MD5)), SHORT_IDLE)
                    .hasMessage(silent.base() + "a.gz: no response within 300 ms" + notSaved("silent"));
        }
        try (RawHttpServer stalls = new RawHttpServer((out, raw) -> {
            out.write(RawHttpServer.head("Content-Length: 100"));
            out.write(new byte[40]);
            out.flush();
            raw.stall();
        })) {
            assertFetchFails(new IdxDownload("stalled", stalls.base(), pin("a.gz", 100, NO_MD5)), SHORT_IDLE)
                    .hasMessage(stalls.base() + "a.gz: the server sent nothing for 300 ms after 40 of 100 bytes"
                            + notSaved("stalled"));
            assertThat(cache.resolve("stalled")).doesNotExist();
        }
    }

    @Test
    void aBodyCutOffSaysHowMuchCame() throws IOException {
        RawHttpServer.Reply fixed = (out, raw) -> {
            out.write(RawHttpServer.head("Content-Length: 100"));
            out.write(new byte[40]);
        };
        RawHttpServer.Reply chunked = (out, raw) -> {
            out.write(RawHttpServer.head("Transfer-Encoding: chunked"));
            out.write("28\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[40]);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        };
        for (RawHttpServer.Reply reply : List.of(fixed, chunked)) {
            try (RawHttpServer cut = new RawHttpServer(reply)) {
                assertFetchFails(new IdxDownload("cut", cut.base(), pin("a.gz", 100, NO_MD5)))
                        .hasMessageStartingWith(cut.base() + "a.gz: connection dropped after 40 of 100 bytes (")
                        .hasMessageEndingWith(notSaved("cut"));
                assertThat(cache.resolve("cut")).doesNotExist();
            }
        }
        try (RawHttpServer shortBody = new RawHttpServer((out, raw) -> {
            out.write(RawHttpServer.head("Transfer-Encoding: chunked"));
            out.write("28\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[40]);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            assertFetchFails(new IdxDownload("cut", shortBody.base(), pin("a.gz", 100, NO_MD5)))
                    .hasMessage(shortBody.base() + "a.gz: the body ended after 40 of 100 bytes" + notSaved("cut"));
        }
    }

    @Test
    void aSizeOtherThanThePinnedOneIsRefused() throws IOException {
        try (RawHttpServer big = new RawHttpServer((out, raw) -> {
            out.write(RawHttpServer.head("Content-Length: 5000"));
            out.write(new byte[5000]);
        })) {
            assertFetchFails(new IdxDownload("big", big.base(), pin("a.gz", 100, NO_MD5)))
                    .hasMessage(big.base() + "a.gz: the server announces 5000 bytes, but the file is 100 bytes" + notSaved("big"));
        }
        try (RawHttpServer endless = new RawHttpServer((out, raw) -> {
            out.write(RawHttpServer.head("Transfer-Encoding: chunked"));
            byte[] chunk = new byte[1 << 16];
            for (int i = 0; i < 256; i++) {   // 16 MiB, unless the client hangs up
                out.write("10000\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            assertFetchFails(new IdxDownload("endless", endless.base(), pin("a.gz", 100, NO_MD5)))
                    .hasMessage(endless.base() + "a.gz: the server sent more than the file's 100 bytes (the download was "
                            + "stopped there)" + notSaved("endless"));
            assertThat(cache.resolve("endless")).doesNotExist();
        }
    }

    @Test
    void temporaryFilesLeftByAKilledDownloadAreRemovedWhenOld() throws IOException {
        Files.writeString(served.resolve("a.gz"), "payload");
        Path dir = Files.createDirectories(cache.resolve("stale"));
        FileTime old = FileTime.from(Instant.now().minus(StaleParts.AGE).minusSeconds(60));
        List<String> stale = List.of(".a.gz.0123456789abcdef.tmp", ".a.gz8054725367196263913.part");
        List<String> kept = List.of(".a.gz.89ab.tmp", ".other.gz.0123.tmp", ".a.gz.notes");
        for (String n : stale) {
            Files.setLastModifiedTime(Files.createFile(dir.resolve(n)), old);
        }
        Files.createFile(dir.resolve(kept.getFirst()));   // another download, running now
        for (String n : kept.subList(1, kept.size())) {
            Files.setLastModifiedTime(Files.createFile(dir.resolve(n)), old);
        }
        fetch(new IdxDownload("stale", base(), pin("a.gz", 7, IdxDownload.md5(served.resolve("a.gz")))));
        assertThat(hidden(dir)).containsExactlyInAnyOrderElementsOf(kept);
    }

    @Test
    void concurrentFetchesIntoOneCacheAllSucceed() throws Exception {
        IdxFiles.write(served, "t10k", 20, 2, 2);
        Map<String, IdxDownload.Pin> pins = new LinkedHashMap<>();
        for (String n : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            pins.put(n, new IdxDownload.Pin(Files.size(served.resolve(n)), IdxDownload.md5(served.resolve(n))));
        }
        IdxDownload d = new IdxDownload("shared", base(), pins);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Path>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> d.fetch(cache, Duration.ofSeconds(10))));
            }
            for (Future<Path> f : runs) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(cache.resolve("shared"));
            }
        }
        assertThat(hidden(cache.resolve("shared"))).isEmpty();
        assertThat(IdxDownload.md5(cache.resolve("shared/t10k-images-idx3-ubyte"))).isEqualTo(pins.get("t10k-images-idx3-ubyte").md5());
    }

    @Test
    void aSigtermMidDownloadLeavesNoTemporaryFile(@TempDir Path logs) throws Exception {
        try (RawHttpServer stalls = new RawHttpServer((out, raw) -> {
            out.write(RawHttpServer.head("Content-Length: 100"));
            out.write(new byte[40]);
            out.flush();
            raw.stall();
        })) {
            Path log = logs.resolve("child.log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), IdxDownloadChild.class.getName(),
                    stalls.base().toString(), cache.toString(), "100", NO_MD5)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Path dir = cache.resolve("killed");
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((!Files.isDirectory(dir) || hidden(dir).isEmpty()) && System.nanoTime() < deadline && p.isAlive()) {
                    Thread.sleep(20);
                }
                assertThat(Files.isDirectory(dir) ? hidden(dir) : List.of()).as(Files.readString(log)).singleElement()
                        .satisfies(n -> assertThat(StaleParts.isPart(n, "a.gz")).as(n + " is a name StaleParts removes").isTrue());
                p.destroy();   // SIGTERM, as kill or Ctrl-C in a terminal
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(hidden(dir)).as(Files.readString(log)).isEmpty();
        }
    }
}
