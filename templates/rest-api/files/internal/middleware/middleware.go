// Package middleware holds the HTTP middleware every request passes through:
// request IDs, access logging and panic recovery.
package middleware

import (
	"net/http"
)

// Middleware wraps a handler with extra behaviour.
type Middleware func(http.Handler) http.Handler

// Chain applies middleware so that the first one listed is the outermost,
// which makes the order read the way requests flow.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// ResponseWriter records the status code and body size a handler produced,
// which the standard http.ResponseWriter does not expose.
type ResponseWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// NewResponseWriter wraps w.
func NewResponseWriter(w http.ResponseWriter) *ResponseWriter {
	return &ResponseWriter{ResponseWriter: w}
}

// WriteHeader implements http.ResponseWriter.
func (rw *ResponseWriter) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
	}
	rw.ResponseWriter.WriteHeader(status)
}

// Write implements http.ResponseWriter.
func (rw *ResponseWriter) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer for
// flushing and per-request deadlines.
func (rw *ResponseWriter) Unwrap() http.ResponseWriter {
	return rw.ResponseWriter
}

// Status is the status code sent so far; 0 means nothing has been written.
func (rw *ResponseWriter) Status() int {
	return rw.status
}

// Bytes is the number of body bytes written.
func (rw *ResponseWriter) Bytes() int64 {
	return rw.bytes
}
