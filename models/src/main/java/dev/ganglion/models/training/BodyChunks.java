package dev.ganglion.models.training;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP response body taken one chunk at a time, with a limit on the wait for each chunk: the
 * blocking read of {@code BodyHandlers.ofInputStream()} has none, so a server that stops sending
 * would hang its reader forever. One chunk is requested at a time (the server is not read ahead of
 * the caller). Subscribe it to the publisher of {@code BodyHandlers.ofPublisher()}; a body not
 * read to its end must be {@link #cancel cancelled}, which releases the connection.
 */
final class BodyChunks implements Flow.Subscriber<List<ByteBuffer>> {
    /** Thrown by {@link #next} when no chunk came within the wait. */
    static final class IdleException extends IOException {
        IdleException() {
            super("no data within the idle limit");
        }
    }

    private static final Object END = new Object();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private Flow.Subscription subscription;
    private boolean cancelled;

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        if (cancelled) {
            s.cancel();
            return;
        }
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /**
     * The next chunk of the body, or {@code null} at its end.
     *
     * @throws IdleException when nothing came within {@code idle} (the body is then cancelled)
     * @throws IOException the failure the HTTP client reported (a dropped connection), as its cause
     * @throws InterruptedIOException when the thread is interrupted while waiting
     */
    @SuppressWarnings("unchecked")
    List<ByteBuffer> next(Duration idle) throws IOException {
        Object o;
        try {
            o = queue.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw (InterruptedIOException) new InterruptedIOException("interrupted while waiting for data").initCause(e);
        }
        if (o == null) {
            cancel();
            throw new IdleException();
        }
        if (o == END) {
            return null;
        }
        if (o instanceof Throwable t) {
            throw new IOException(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()), t);
        }
        request();
        return (List<ByteBuffer>) o;
    }

    private synchronized void request() {
        if (subscription != null) {
            subscription.request(1);
        }
    }

    /** Stops the body: the client closes the connection; later chunks are dropped. */
    synchronized void cancel() {
        cancelled = true;
        if (subscription != null) {
            subscription.cancel();
            subscription = null;
        }
    }
}
