package io.roomcast.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Fetches a JWKS document over HTTP(S) as PROTOCOL 13.9 bounds it: https only (http only for a loopback
 * host), a redirect followed only within the same origin (scheme, host and port; at most
 * {@value #MAX_REDIRECTS}), a body of at most the given bytes (a larger {@code Content-Length} is refused
 * before reading, a longer body as soon as it passes the bound), and one deadline for the whole fetch,
 * redirects included, however slowly the server trickles its answer.
 */
final class HttpJwksFetcher implements JwksKeys.Fetcher {

    static final int MAX_REDIRECTS = 3;
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){2}");

    private final URI uri;
    private final Duration timeout;
    private final int maxBytes;
    private final HttpClient client;

    private HttpJwksFetcher(URI uri, Duration timeout, int maxBytes) {
        this.uri = uri;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        // Redirects are judged here, one by one; HTTP/1.1: no h2c upgrade attempt on http.
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).build();
    }

    /**
     * @throws IllegalArgumentException for an http URL whose host is not loopback, or a URL without a host
     */
    static HttpJwksFetcher of(URI uri, Duration timeout, int maxBytes) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + describe(uri));
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback(uri.getHost()))) {
            throw new IllegalArgumentException("https only (http only for a loopback host: localhost, 127.0.0.0/8, ::1): "
                    + describe(uri));
        }
        return new HttpJwksFetcher(uri, timeout, maxBytes);
    }

    /** {@code localhost} or a loopback IP literal; nothing is resolved. */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches() || h.equals("[::1]")
                || h.equals("[0:0:0:0:0:0:0:1]");
    }

    /** The URL for the log: no user info, no query. */
    static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    @Override
    public String fetch(boolean revalidate) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI current = uri;
        for (int redirects = 0; ; redirects++) {
            HttpResponse<byte[]> response = send(current, revalidate, deadline);
            int status = response.statusCode();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                current = redirectTarget(current, response);
                if (redirects == MAX_REDIRECTS) {
                    throw new IOException("more than " + MAX_REDIRECTS + " redirects");
                }
                continue;
            }
            if (status != 200) {
                throw new IOException("HTTP status " + status);
            }
            return new String(response.body(), StandardCharsets.UTF_8);
        }
    }

    private URI redirectTarget(URI from, HttpResponse<?> response) throws IOException {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("a redirect without Location"));
        URI target;
        try {
            target = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new IOException("a redirect to an invalid URL");
        }
        if (!sameOrigin(uri, target)) {
            // Without its query; the log escapes the rest (it comes from the remote server).
            throw new IOException("redirect to another host refused: " + describe(target));
        }
        return target;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme())) && b.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private HttpResponse<byte[]> send(URI target, boolean revalidate, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new HttpTimeoutException("no complete answer within " + timeout.toSeconds() + " s");
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(target).GET().timeout(Duration.ofNanos(left))
                    .header("Accept", "application/jwk-set+json, application/json");
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL the HTTP client takes: " + e.getMessage());
        }
        if (revalidate) {
            // A token named a key we do not have: the provider has probably just rotated, so ask caches
            // on the way for the current document rather than what they kept.
            request.header("Cache-Control", "no-cache");
        }
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request.build(), this::body);
        try {
            return answer.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped");
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof TooLarge tooLarge) {
                    throw tooLarge;
                }
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(String.valueOf(e.getCause()));
        }
    }

    private HttpResponse.BodySubscriber<byte[]> body(HttpResponse.ResponseInfo info) {
        OptionalLong declared = info.headers().firstValueAsLong("Content-Length");
        return new BoundedBody(maxBytes, declared.isPresent() && declared.getAsLong() > maxBytes);
    }

    /** A response body over the bound. */
    static final class TooLarge extends IOException {
        TooLarge(int maxBytes) {
            super("larger than " + maxBytes + " bytes");
        }
    }

    /** Collects the body up to the bound, and cancels the exchange as soon as it passes it. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int maxBytes;
        private final boolean declaredTooLarge;
        private Flow.Subscription subscription;

        BoundedBody(int maxBytes, boolean declaredTooLarge) {
            this.maxBytes = maxBytes;
            this.declaredTooLarge = declaredTooLarge;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declaredTooLarge) {
                refuse();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (bytes.size() + (long) item.remaining() > maxBytes) {
                    refuse();
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }
            subscription.request(1);
        }

        private void refuse() {
            subscription.cancel();
            body.completeExceptionally(new TooLarge(maxBytes));
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
