package dev.ganglion.models.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback server that answers each request by writing raw bytes to its socket, for the replies
 * {@code com.sun.net.httpserver} will not send: a body cut off mid-chunk, a reply that stalls. The
 * socket is closed when the reply returns.
 */
final class RawHttpServer implements AutoCloseable {
    /** Writes the reply to one request ({@code server} to {@link #stall}). */
    interface Reply {
        void write(OutputStream out, RawHttpServer server) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closing = new CountDownLatch(1);

    RawHttpServer(Reply reply) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s, reply));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void serve(Socket s, Reply reply) {
        try (s) {
            readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            reply.write(out, this);
            out.flush();
        } catch (IOException | InterruptedException clientGone) {
            // the client closed the connection: what some tests expect
        } finally {
            open.remove(s);
        }
    }

    /** Reads the request up to its blank line (a GET has no body). */
    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        for (int b; state < 4 && (b = in.read()) >= 0; ) {
            state = b == (state % 2 == 0 ? '\r' : '\n') ? state + 1 : b == '\r' ? 1 : 0;
        }
    }

    /** The response head for status 200 with {@code headers} (each {@code "Name: value"}), as bytes. */
    static byte[] head(String... headers) {
        StringBuilder s = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Blocks a reply until the server closes: a server that has stopped sending. */
    void stall() throws InterruptedException {
        closing.await();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
