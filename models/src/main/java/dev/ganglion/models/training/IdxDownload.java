package dev.ganglion.models.training;

import dev.ganglion.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Flow;

/**
 * Downloads an IDX dataset (MNIST, Fashion-MNIST) into a cache folder and verifies every file's size
 * and MD5 against the canonical ones. A file already there with the right checksum is not fetched
 * again. Every failure is an {@link IOException} naming the URL and the file, with what to do instead;
 * no bad or partial file is ever left in the cache: a download is written through
 * {@link AtomicFiles} (a temporary file, renamed into place only after verification, removed on
 * failure and by its shutdown hook on Ctrl-C or SIGTERM), and leftovers of a killed JVM are removed by
 * the next fetch ({@link StaleParts}). A server that sends nothing for {@link #IDLE_LIMIT}, announces
 * or sends another size than the pinned one, or drops the connection, fails the download.
 *
 * @param name dataset name (the cache sub-folder)
 * @param baseUri URI the file names are resolved against (must end with '/')
 * @param files file name → its size and MD5, in download order
 */
public record IdxDownload(String name, URI baseUri, Map<String, Pin> files) {
    /** The longest wait for a response or for the next bytes of a body. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

    /**
     * A pinned file: its size in bytes and lower-case hex MD5.
     *
     * @param size the file's length
     * @param md5 its checksum
     */
    public record Pin(long size, String md5) {}

    /** MNIST from the PyTorch mirror (yann.lecun.com is often unavailable); canonical sizes and checksums. */
    public static final IdxDownload MNIST = new IdxDownload("mnist", URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            files(new Pin(9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"), new Pin(28881, "d53e105ee54ea40749a09fcbcd1e9432"),
                    new Pin(1648877, "9fb629c4189551a2d022fa330f9573f3"), new Pin(4542, "ec29112dd5afa0611ce80d1b7f02629c")));
    /** Fashion-MNIST from Zalando's canonical location. */
    public static final IdxDownload FASHION_MNIST = new IdxDownload("fashion-mnist",
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            files(new Pin(26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"), new Pin(29515, "25c81989df183df01b3e8a0aad5dffbe"),
                    new Pin(4422102, "bef4ecab320f06d8554ea6380940ec79"), new Pin(5148, "bb300cfdad3c16e7a12a480ee83cd310")));

    private static Map<String, Pin> files(Pin trainImages, Pin trainLabels, Pin testImages, Pin testLabels) {
        Map<String, Pin> m = new LinkedHashMap<>();
        m.put("train-images-idx3-ubyte.gz", trainImages);
        m.put("train-labels-idx1-ubyte.gz", trainLabels);
        m.put("t10k-images-idx3-ubyte.gz", testImages);
        m.put("t10k-labels-idx1-ubyte.gz", testLabels);
        return m;
    }

    /** The default cache: {@code $GANGLION_CACHE}, else {@code ~/.cache/ganglion}. */
    public static Path defaultCache() {
        String env = System.getenv("GANGLION_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "ganglion");
    }

    /** The dataset of {@code name} ({@code mnist} or {@code fashion-mnist}). */
    public static IdxDownload named(String name) {
        return switch (name) {
            case "mnist" -> MNIST;
            case "fashion-mnist" -> FASHION_MNIST;
            default -> throw new IllegalArgumentException("unknown dataset '" + name + "'; datasets: mnist, fashion-mnist");
        };
    }

    /**
     * Makes sure every file is in {@code cache/name} with the right checksum, downloading what is
     * missing or wrong. Returns the folder (ready for {@code --data DIR} with prefix {@code train} or {@code t10k}).
     *
     * @throws IOException on a network error, a silent server, an HTTP status other than 200, a size
     *     other than the pinned one, or a checksum mismatch
     */
    public Path fetch(Path cache) throws IOException {
        return fetch(cache, IDLE_LIMIT);
    }

    /** {@link #fetch(Path)} with another idle limit (tests). */
    Path fetch(Path cache, Duration idle) throws IOException {
        Path dir = cache.resolve(name);
        boolean created = !Files.isDirectory(dir);
        Files.createDirectories(dir);
        StaleParts.delete(dir, files.keySet());
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        try {
            for (Map.Entry<String, Pin> e : files.entrySet()) {
                Path target = dir.resolve(e.getKey());
                if (Files.isRegularFile(target) && Files.size(target) == e.getValue().size()
                        && md5(target).equals(e.getValue().md5())) {
                    continue;
                }
                download(client, baseUri.resolve(e.getKey()), target, e.getValue(), idle);
            }
        } catch (IOException e) {
            if (created) {
                deleteIfEmpty(dir);
            }
            throw e;
        } finally {
            client.shutdownNow();
        }
        return dir;
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.delete(dir);
        } catch (IOException notEmptyOrGone) {
            // a file fetched before the failure stays for the next try
        }
    }

    private static void download(HttpClient client, URI uri, Path target, Pin pin, Duration idle) throws IOException {
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = send(client, uri, target, idle);
        BodyChunks body = new BodyChunks();
        r.body().subscribe(body);
        try {
            if (r.statusCode() != 200) {
                throw failure(uri, target, "HTTP " + r.statusCode()
                        + (r.statusCode() / 100 == 3 ? " (a redirect loop, or a redirect from https to http)" : ""));
            }
            OptionalLong announced = r.headers().firstValueAsLong("Content-Length");
            if (announced.isPresent() && announced.getAsLong() != pin.size()) {
                throw failure(uri, target, "the server announces " + announced.getAsLong() + " bytes, but the file is "
                        + pin.size() + " bytes");
            }
            AtomicFiles.write(target, out -> copy(body, out, uri, target, pin, idle));
        } finally {
            body.cancel();
        }
    }

    private static HttpResponse<Flow.Publisher<List<ByteBuffer>>> send(HttpClient client, URI uri, Path target, Duration idle)
            throws IOException {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(idle).GET().build(), HttpResponse.BodyHandlers.ofPublisher());
        } catch (HttpTimeoutException e) {
            if (e instanceof HttpConnectTimeoutException) {
                throw cannotDownload(uri, target, e);
            }
            throw failure(uri, target, "no response within " + seconds(idle), e);
        } catch (IOException e) {
            throw cannotDownload(uri, target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (IOException) new InterruptedIOException(uri + ": download of " + target + " interrupted").initCause(e);
        }
    }

    /** Copies the body to {@code out}, stopping past the pinned size, and checks size and MD5 at the end. */
    private static void copy(BodyChunks body, OutputStream out, URI uri, Path target, Pin pin, Duration idle) throws IOException {
        MessageDigest d = md5Digest();
        long got = 0;
        for (List<ByteBuffer> chunk; (chunk = next(body, uri, target, pin, idle, got)) != null; ) {
            for (ByteBuffer b : chunk) {
                if (got + b.remaining() > pin.size()) {
                    body.cancel();
                    throw failure(uri, target, "the server sent more than the file's " + pin.size()
                            + " bytes (the download was stopped there)");
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                d.update(bytes);
                out.write(bytes);
                got += bytes.length;
            }
            // NOTE: written through at once, so a live download's temporary file is never older than
            // the idle limit, which StaleParts relies on.
            out.flush();
        }
        if (got != pin.size()) {
            throw failure(uri, target, "the body ended after " + got + " of " + pin.size() + " bytes");
        }
        String actual = HexFormat.of().formatHex(d.digest());
        if (!actual.equals(pin.md5())) {
            throw failure(uri, target, "checksum mismatch (md5 " + actual + ", expected " + pin.md5() + ")");
        }
    }

    private static List<ByteBuffer> next(BodyChunks body, URI uri, Path target, Pin pin, Duration idle, long got) throws IOException {
        try {
            return body.next(idle);
        } catch (BodyChunks.IdleException e) {
            throw failure(uri, target, "the server sent nothing for " + seconds(idle) + " after " + got + " of "
                    + pin.size() + " bytes", e);
        } catch (InterruptedIOException e) {
            throw (IOException) new InterruptedIOException(uri + ": download of " + target + " interrupted").initCause(e);
        } catch (IOException e) {
            throw failure(uri, target, "connection dropped after " + got + " of " + pin.size() + " bytes (" + e.getMessage() + ")", e);
        }
    }

    /** A connection that could not be made; ConnectException and its kin often carry no message of their own. */
    private static IOException cannotDownload(URI uri, Path target, IOException e) {
        return failure(uri, target, "cannot download (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }

    private static IOException failure(URI uri, Path target, String what) {
        return failure(uri, target, what, null);
    }

    /** The one form of every download error: the URL, what happened, the file, what to do instead. */
    private static IOException failure(URI uri, Path target, String what, Throwable cause) {
        return new IOException(uri + ": " + what + ", so " + target + " was not saved; try again later, or, without a network, "
                + "copy the IDX files into " + target.getParent() + " or give --data a folder that has them", cause);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Lower-case hex MD5 of a file. */
    static String md5(Path file) throws IOException {
        MessageDigest d = md5Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JDK", e);
        }
    }
}
