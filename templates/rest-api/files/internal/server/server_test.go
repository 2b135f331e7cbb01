package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"{{module_path}}/internal/httpserver"
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
	if opts.HTTP == nil {
		opts.HTTP = httpserver.New(httpserver.Options{})
	}
{{#if with_auth}}
	if opts.APIToken == "" {
		opts.APIToken = testToken
	}
{{/if}}
	opts.HTTP.SetReady(true)
	return New(opts)
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
{{#if with_auth}}
	req.Header.Set("Authorization", "Bearer "+testToken)
{{/if}}
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

	s.opts.HTTP.SetReady(true)
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
		// Paths the mux would redirect to a cleaned form are not served.
		{http.MethodGet, "/{{plural resource}}/..", http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "/", nil)
			req.URL.Path = tc.target // as sent, not cleaned
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
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

func TestMetricsOnTheirOwnPort(t *testing.T) {
	s := newTestServer(t, Options{MetricsElsewhere: true})
	if rec := do(t, s.Handler(), http.MethodGet, "/metrics", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("GET /metrics on the API port = %d, want 404", rec.Code)
	}
	for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
		if rec := do(t, s.MetricsHandler(), http.MethodGet, path, ""); rec.Code != http.StatusOK {
			t.Errorf("GET %s on the metrics port = %d", path, rec.Code)
		}
	}
	if rec := do(t, s.MetricsHandler(), http.MethodGet, "/{{plural resource}}", ""); rec.Code != http.StatusNotFound {
		t.Errorf("the API is served on the metrics port: %d", rec.Code)
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
