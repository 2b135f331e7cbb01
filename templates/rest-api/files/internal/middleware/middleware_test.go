package middleware

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"{{module_path}}/internal/problem"
)

func newLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, nil))
}

func TestRequestID(t *testing.T) {
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{"honours a valid incoming ID", "abc-123_x.y:z", true},
		{"generates when missing", "", false},
		{"replaces unsafe characters", "bad id\nforged", false},
		{"replaces overlong IDs", strings.Repeat("a", 129), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen string
			h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = RequestIDFromContext(r.Context())
			}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.incoming != "" {
				req.Header.Set(RequestIDHeader, tc.incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			header := rec.Header().Get(RequestIDHeader)
			if header != seen {
				t.Fatalf("response header %q differs from context value %q", header, seen)
			}
			if tc.keep && seen != tc.incoming {
				t.Fatalf("ID = %q, want the incoming %q", seen, tc.incoming)
			}
			if !tc.keep && (len(seen) != 32 || seen == tc.incoming) {
				t.Fatalf("ID = %q, want a fresh 32-character ID", seen)
			}
		})
	}
}

func TestRequestIDFromContextEmpty(t *testing.T) {
	if got := RequestIDFromContext(httptest.NewRequest(http.MethodGet, "/", nil).Context()); got != "" {
		t.Fatalf("got %q, want empty", got)
	}
}

func TestAccessLog(t *testing.T) {
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		status    int
		bytes     int
		wantLevel string
	}{
		{"implicit 200", func(w http.ResponseWriter, r *http.Request) {}, 200, 0, "INFO"},
		{"body", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello") }, 200, 5, "INFO"},
		{"client error", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, 404, 0, "INFO"},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			w.WriteHeader(500) // ignored: the first status wins, as on the wire
		}, 503, 0, "ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := Chain(tc.handler, RequestID, AccessLog(newLogger(&buf)))
			req := httptest.NewRequest(http.MethodPost, "/things?q=1", nil)
			req.Header.Set(RequestIDHeader, "req-1")
			h.ServeHTTP(httptest.NewRecorder(), req)

			var entry map[string]any
			if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
				t.Fatalf("log line %q: %v", buf.String(), err)
			}
			want := map[string]any{
				"level": tc.wantLevel, "msg": "request", "method": "POST", "path": "/things",
				"status": float64(tc.status), "bytes": float64(tc.bytes), "request_id": "req-1",
			}
			for k, v := range want {
				if entry[k] != v {
					t.Errorf("%s = %v, want %v", k, entry[k], v)
				}
			}
			if _, ok := entry["duration_ms"]; !ok {
				t.Error("duration_ms missing")
			}
		})
	}
}

func TestRecover(t *testing.T) {
	var buf bytes.Buffer
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}), RequestID, Recover(newLogger(&buf)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/explode", nil))

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("Content-Type = %q", ct)
	}
	if !strings.Contains(buf.String(), `"panic":"boom"`) || !strings.Contains(buf.String(), "stack") {
		t.Fatalf("log does not record the panic: %s", buf.String())
	}
}

func TestRecoverAfterHeaders(t *testing.T) {
	var buf bytes.Buffer
	h := Recover(newLogger(&buf))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		panic("late")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusAccepted || rec.Body.Len() != 0 {
		t.Fatalf("response was rewritten: %d %q", rec.Code, rec.Body.String())
	}
}

func TestRecoverPassesThrough(t *testing.T) {
	var buf bytes.Buffer
	h := Recover(newLogger(&buf))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusNoContent || buf.Len() != 0 {
		t.Fatalf("status %d, log %q", rec.Code, buf.String())
	}
}

func TestRecoverAbortHandler(t *testing.T) {
	var buf bytes.Buffer
	h := Recover(newLogger(&buf))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler re-panicked", p)
		}
		if buf.Len() != 0 {
			t.Fatalf("aborts must not be logged as errors: %s", buf.String())
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestResponseWriterUnwrap(t *testing.T) {
	rec := httptest.NewRecorder()
	rw := NewResponseWriter(rec)
	if rw.Unwrap() != rec {
		t.Fatal("Unwrap does not return the wrapped writer")
	}
	if err := http.NewResponseController(rw).Flush(); err != nil {
		t.Fatalf("Flush through the wrapper: %v", err)
	}
}
