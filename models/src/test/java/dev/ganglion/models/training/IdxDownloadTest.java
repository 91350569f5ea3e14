package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a loopback HTTP server serving files this test writes. */
class IdxDownloadTest {
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
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void fetchesVerifiesAndThenUsesTheCache() throws IOException {
        IdxFiles.write(served, "t10k", 20, 2, 2);
        Map<String, String> md5 = new LinkedHashMap<>();
        for (String n : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            md5.put(n, IdxDownload.md5(served.resolve(n)));
        }
        IdxDownload d = new IdxDownload("tiny", base(), md5);
        Path dir = d.fetch(cache);
        assertThat(Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte"))).isEqualTo(Files.readAllBytes(served.resolve("t10k-labels-idx1-ubyte")));
        assertThat(Tasks.load(new TaskSpec("idx", 0, 0, 0, 0, dir, false)).train().size()).isEqualTo(16);
        assertThat(requests.get()).isEqualTo(2);
        d.fetch(cache);
        assertThat(requests.get()).isEqualTo(2); // verified cache: nothing fetched again
    }

    @Test
    void aChecksumMismatchIsAClearErrorAndLeavesNoFile() throws IOException {
        Files.writeString(served.resolve("a.gz"), "not what was promised");
        IdxDownload d = new IdxDownload("bad", base(), Map.of("a.gz", "00000000000000000000000000000000"));
        assertThatThrownBy(() -> d.fetch(cache)).isInstanceOf(IOException.class)
                .hasMessageContaining("checksum mismatch").hasMessageContaining("expected 00000000000000000000000000000000");
        assertThat(cache.resolve("bad")).as("the folder this fetch created, left empty").doesNotExist();
    }

    @Test
    void anUnreachableServerSaysSoAndWhatToDoInstead() {
        URI closed = base();
        server.stop(0);
        IdxDownload d = new IdxDownload("offline", closed, Map.of("a.gz", "00000000000000000000000000000000"));
        assertThatThrownBy(() -> d.fetch(cache)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(closed + "a.gz: cannot download (ConnectException")
                .hasMessageContaining("copy the IDX files into " + cache.resolve("offline"));
        assertThat(cache.resolve("offline")).doesNotExist();
    }

    @Test
    void anHttpErrorNamesTheStatus() {
        IdxDownload d = new IdxDownload("gone", base(), Map.of("nothing.gz", "00000000000000000000000000000000"));
        assertThatThrownBy(() -> d.fetch(cache)).hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> IdxDownload.named("cifar")).hasMessageContaining("unknown dataset 'cifar'");
    }
}
