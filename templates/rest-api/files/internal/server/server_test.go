package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
	"{{module_path}}/internal/problem"
)

// newTestServer returns a ready server with every optional feature on.
func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
{{#if with_metrics}}
	if opts.Metrics == nil {
		opts.Metrics = metrics.New(metrics.BuildInfo{Version: "test", Commit: "c", Date: "d"})
	}
{{/if}}
	s := New(opts)
	s.ready.Store(true)
	return s
}

// do sends a request through the full handler chain.
func do(t *testing.T, h http.Handler, method, target, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeProblemBody(t *testing.T, rec *httptest.ResponseRecorder) problem.Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("Content-Type = %q, want %q (body %s)", ct, problem.ContentType, rec.Body)
	}
	var p problem.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("decode problem %q: %v", rec.Body, err)
	}
	if p.Status != rec.Code || p.Type != "about:blank" || p.Title != http.StatusText(rec.Code) {
		t.Fatalf("problem %+v does not match status %d", p, rec.Code)
	}
	return p
}

func TestHealthz(t *testing.T) {
	s := New(Options{}) // not ready: liveness must not depend on readiness
	rec := do(t, s.Handler(), http.MethodGet, "/healthz", "")
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"status":"ok"}` {
		t.Fatalf("GET /healthz = %d %s", rec.Code, rec.Body)
	}
}

func TestReadyz(t *testing.T) {
	s := New(Options{})
	rec := do(t, s.Handler(), http.MethodGet, "/readyz", "")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("GET /readyz before Serve = %d, want 503", rec.Code)
	}
	decodeProblemBody(t, rec)

	s.ready.Store(true)
	rec = do(t, s.Handler(), http.MethodGet, "/readyz", "")
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"status":"ready"}` {
		t.Fatalf("GET /readyz when ready = %d %s", rec.Code, rec.Body)
	}
}

func TestUnmatched(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct {
		method, target string
		status         int
		allow          string
	}{
		{http.MethodGet, "/nope", http.StatusNotFound, ""},
		{http.MethodGet, "/{{plural resource}}/1/extra", http.StatusNotFound, ""},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed, "GET, HEAD"},
		{http.MethodPatch, "/{{plural resource}}/1", http.StatusMethodNotAllowed, "DELETE, GET, HEAD, PUT"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			rec := do(t, s.Handler(), tc.method, tc.target, "")
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			p := decodeProblemBody(t, rec)
			if p.Instance != tc.target {
				t.Errorf("instance = %q", p.Instance)
			}
			if got := rec.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow = %q, want %q", got, tc.allow)
			}
		})
	}
}

func TestRequestIDHeader(t *testing.T) {
	s := newTestServer(t, Options{})
	rec := do(t, s.Handler(), http.MethodGet, "/healthz", "", "X-Request-ID", "trace-42")
	if got := rec.Header().Get("X-Request-ID"); got != "trace-42" {
		t.Fatalf("X-Request-ID = %q, want the caller's", got)
	}
	rec = do(t, s.Handler(), http.MethodGet, "/healthz", "")
	if got := rec.Header().Get("X-Request-ID"); len(got) != 32 {
		t.Fatalf("X-Request-ID = %q, want a generated ID", got)
	}
}

func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	s := newTestServer(t, Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	s.mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("kaboom") })

	rec := do(t, s.Handler(), http.MethodGet, "/panic", "")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	decodeProblemBody(t, rec)
	if !strings.Contains(logs.String(), "kaboom") {
		t.Fatalf("panic not logged: %s", logs.String())
	}
}

{{#if with_metrics}}
func TestMetricsEndpoint(t *testing.T) {
	s := newTestServer(t, Options{})
	do(t, s.Handler(), http.MethodGet, "/{{plural resource}}", "")
	do(t, s.Handler(), http.MethodGet, "/{{plural resource}}/missing", "")
	do(t, s.Handler(), http.MethodGet, "/random/path", "")

	rec := do(t, s.Handler(), http.MethodGet, "/metrics", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != metrics.ContentType {
		t.Fatalf("GET /metrics = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	for _, want := range []string{
		`http_requests_total{method="GET",route="/{{plural resource}}",status="200"} 1`,
		`http_requests_total{method="GET",route="/{{plural resource}}/{id}",status="404"} 1`,
		`http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/{{plural resource}}"} 1`,
		"http_requests_in_flight 1\n", // the scrape itself
		`{{snake_case project_name}}_build_info{version="test",commit="c",date="d",`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q\n%s", want, body)
		}
	}
}

{{/if}}
func TestWithoutMetrics(t *testing.T) {
	s := New(Options{})
	if rec := do(t, s.Handler(), http.MethodGet, "/metrics", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("GET /metrics = %d, want 404", rec.Code)
	}
	if rec := do(t, s.Handler(), http.MethodGet, "/{{plural resource}}", ""); rec.Code != http.StatusOK {
		t.Fatalf("GET /{{plural resource}} = %d", rec.Code)
	}
}

// serve runs s on a loopback listener and returns its base URL and a
// function that cancels the context and returns Serve's result.
func serve(t *testing.T, s *Server) (string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	var once sync.Once
	var result error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Serve did not return after cancel")
			}
		})
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return "http://" + ln.Addr().String(), stop
}

// client opens a new connection per request. A keep-alive transport may dial
// a spare connection it never uses, and Shutdown waits up to five seconds for
// such never-used connections.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestServeLifecycle(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	s := New(Options{Logger: slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))})
	base, stop := serve(t, s)

	// Serve marks the server ready before it starts waiting.
	if code := get(t, base+"/readyz"); code != http.StatusOK {
		t.Fatalf("GET /readyz while serving = %d", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("Serve returned %v after a clean shutdown", err)
	}
	if s.ready.Load() {
		t.Fatal("still ready after shutdown")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, msg := range []string{`"msg":"listening"`, `"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(logs.String(), msg) {
			t.Errorf("log lacks %s:\n%s", msg, logs.String())
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func TestShutdownDelayFailsReadiness(t *testing.T) {
	s := New(Options{ShutdownDelay: time.Hour})
	base, stop := serve(t, s)

	var during int
	var slept time.Duration
	s.sleep = func(d time.Duration) {
		slept = d
		// Still serving, but no longer ready: exactly what a load balancer
		// must see during the delay.
		during = get(t, base+"/readyz")
	}
	if err := stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if slept != time.Hour || during != http.StatusServiceUnavailable {
		t.Fatalf("slept %v, /readyz during delay = %d; want 1h and 503", slept, during)
	}
}

func TestShutdownTimeout(t *testing.T) {
	s := New(Options{ShutdownTimeout: 20 * time.Millisecond})
	entered, release := make(chan struct{}), make(chan struct{})
	s.mux.HandleFunc("GET /block", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
	})
	base, stop := serve(t, s)

	go func() {
		if resp, err := client.Get(base + "/block"); err == nil {
			_ = resp.Body.Close()
		}
	}()
	<-entered
	err := stop()
	close(release)
	if err == nil || !strings.Contains(err.Error(), "did not finish within 20ms") {
		t.Fatalf("Serve = %v, want a shutdown timeout error", err)
	}
}

func TestServeListenerFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = ln.Close()
	s := New(Options{})
	err = s.Serve(context.Background(), ln)
	if err == nil || !strings.Contains(err.Error(), "serve:") {
		t.Fatalf("Serve on a closed listener = %v", err)
	}
	if s.ready.Load() {
		t.Fatal("ready after a failed Serve")
	}
}

func TestListenAndServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // shut down as soon as it is up
	if err := New(Options{}).ListenAndServe(ctx, "127.0.0.1:0"); err != nil {
		t.Fatalf("ListenAndServe: %v", err)
	}
	if err := New(Options{}).ListenAndServe(ctx, "127.0.0.1:-1"); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("ListenAndServe on a bad address = %v", err)
	}
}
