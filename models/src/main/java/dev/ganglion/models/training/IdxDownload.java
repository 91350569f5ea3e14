package dev.ganglion.models.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Downloads an IDX dataset (MNIST, Fashion-MNIST) into a cache folder and verifies every file's MD5
 * against the canonical checksum. A file already there with the right checksum is not fetched again;
 * a download whose checksum differs is deleted and reported ({@link IOException} naming the file,
 * expected and actual sums), so no bad file is ever left in the cache. Files are written to a temporary
 * name first and moved into place only after verification.
 *
 * @param name dataset name (the cache sub-folder)
 * @param baseUri URI the file names are resolved against (must end with '/')
 * @param md5 file name → lower-case hex MD5, in download order
 */
public record IdxDownload(String name, URI baseUri, Map<String, String> md5) {
    /** MNIST from the PyTorch mirror (yann.lecun.com is often unavailable); canonical checksums. */
    public static final IdxDownload MNIST = new IdxDownload("mnist", URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            files("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                    "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"));
    /** Fashion-MNIST from Zalando's canonical location. */
    public static final IdxDownload FASHION_MNIST = new IdxDownload("fashion-mnist",
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            files("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                    "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"));

    private static Map<String, String> files(String trainImages, String trainLabels, String testImages, String testLabels) {
        Map<String, String> m = new LinkedHashMap<>();
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
     * @throws IOException on a network error, an HTTP status other than 200, or a checksum mismatch
     */
    public Path fetch(Path cache) throws IOException {
        Path dir = cache.resolve(name);
        boolean created = !Files.isDirectory(dir);
        Files.createDirectories(dir);
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        try {
            for (Map.Entry<String, String> e : md5.entrySet()) {
                Path target = dir.resolve(e.getKey());
                if (Files.isRegularFile(target) && md5(target).equals(e.getValue())) {
                    continue;
                }
                download(client, baseUri.resolve(e.getKey()), target, e.getValue());
            }
        } catch (IOException e) {
            if (created) {
                deleteIfEmpty(dir);
            }
            throw e;
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

    private static void download(HttpClient client, URI uri, Path target, String expected) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            HttpResponse<InputStream> r;
            try {
                r = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                // ConnectException and its kin often carry no message of their own
                throw new IOException(uri + ": cannot download (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); without a network, "
                        + "copy the IDX files into " + target.getParent() + " or give --data a folder that has them", e);
            }
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(tmp)) {
                if (r.statusCode() != 200) {
                    throw new IOException(uri + ": HTTP " + r.statusCode());
                }
                in.transferTo(out);
            }
            String actual = md5(tmp);
            if (!actual.equals(expected)) {
                throw new IOException(uri + ": checksum mismatch (md5 " + actual + ", expected " + expected
                        + "); the download was discarded");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(uri + ": download interrupted", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Lower-case hex MD5 of a file. */
    static String md5(Path file) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("MD5");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    d.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JDK", e);
        }
    }
}
