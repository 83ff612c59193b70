package io.clipflow.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps every non-upload API body (JSON; multipart and resumable uploads have their own limits) at {@code clipflow.api.max-json-size}: a declared larger Content-Length is
 * refused at once, and a chunked body stops being read at the cap, so Jackson fails and the client gets 400.
 */
@Component
class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long max;
    private final JsonErrorWriter errors;

    RequestBodyLimitFilter(ApiProperties properties, JsonErrorWriter errors) {
        this.max = properties.maxJsonSize().toBytes();
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return !request.getServletPath().startsWith("/api/")
                || request.getServletPath().startsWith("/api/uploads")
                || (type != null && type.toLowerCase().startsWith(MediaType.MULTIPART_FORM_DATA_VALUE));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > max) {
            errors.write(request, response, 400, "bad request", "the request body exceeds " + max + " bytes");
            return;
        }
        chain.doFilter(new Capped(request, max), response);
    }

    private static final class Capped extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Capped(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) throws IOException {
                        read += n;
                        if (read > max) {
                            throw new IOException("request body exceeds " + max + " bytes");
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
