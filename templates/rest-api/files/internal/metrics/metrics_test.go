package metrics

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, reg *Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); ct != ContentType {
		t.Fatalf("Content-Type = %q", ct)
	}
	return rec.Body.String()
}

func TestInstrument(t *testing.T) {
	reg := New(BuildInfo{Version: "1.2.3", Commit: "abc", Date: "2025-01-01"})
	handlers := map[string]http.HandlerFunc{
		"/ok":      func(w http.ResponseWriter, r *http.Request) {},
		"/created": func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) },
		"/missing": func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
	}
	for route, h := range handlers {
		ih := reg.Instrument(route, h)
		for range 2 {
			ih.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, route, nil))
		}
	}
	reg.Instrument("/ok", handlers["/ok"]).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/ok", nil))

	body := scrape(t, reg)
	for _, want := range []string{
		"# TYPE http_requests_total counter\n",
		`http_requests_total{method="GET",route="/created",status="201"} 2`,
		`http_requests_total{method="GET",route="/missing",status="404"} 2`,
		`http_requests_total{method="GET",route="/ok",status="200"} 2`,
		`http_requests_total{method="OTHER",route="/ok",status="200"} 1`,
		"# TYPE http_request_duration_seconds histogram\n",
		`http_request_duration_seconds_bucket{method="GET",route="/ok",le="+Inf"} 2`,
		`http_request_duration_seconds_count{method="GET",route="/ok"} 2`,
		`http_request_duration_seconds_sum{method="GET",route="/ok"} `,
		"http_requests_in_flight 0\n",
		"# TYPE go_goroutines gauge\n",
		`{{snake_case project_name}}_build_info{version="1.2.3",commit="abc",date="2025-01-01",goversion="go`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q\n%s", want, body)
		}
	}
	// Series are sorted, so two scrapes of unchanged data are identical
	// apart from the goroutine count.
	if strip(body) != strip(scrape(t, reg)) {
		t.Error("scrape output is not stable")
	}
}

func strip(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "go_goroutines ") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

func TestHistogramBuckets(t *testing.T) {
	reg := New(BuildInfo{})
	for _, d := range []time.Duration{time.Millisecond, 5 * time.Millisecond, 300 * time.Millisecond, time.Minute} {
		reg.Observe(http.MethodPost, "/x", 200, d)
	}
	body := scrape(t, reg)
	for _, want := range []string{
		`http_request_duration_seconds_bucket{method="POST",route="/x",le="0.005"} 2`,
		`http_request_duration_seconds_bucket{method="POST",route="/x",le="0.25"} 2`,
		`http_request_duration_seconds_bucket{method="POST",route="/x",le="0.5"} 3`,
		`http_request_duration_seconds_bucket{method="POST",route="/x",le="10"} 3`,
		`http_request_duration_seconds_bucket{method="POST",route="/x",le="+Inf"} 4`,
		`http_request_duration_seconds_count{method="POST",route="/x"} 4`,
		`http_request_duration_seconds_sum{method="POST",route="/x"} 60.306`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q\n%s", want, body)
		}
	}
}

func TestInstrumentPanic(t *testing.T) {
	reg := New(BuildInfo{})
	h := reg.Instrument("/boom", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}))
	func() {
		defer func() { _ = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/boom", nil))
	}()
	body := scrape(t, reg)
	if !strings.Contains(body, `http_requests_total{method="GET",route="/boom",status="500"} 1`) {
		t.Fatalf("panic not counted as 500:\n%s", body)
	}
	if !strings.Contains(body, "http_requests_in_flight 0\n") {
		t.Fatalf("in-flight gauge leaked:\n%s", body)
	}
}

func TestInFlight(t *testing.T) {
	reg := New(BuildInfo{})
	var during string
	h := reg.Instrument("/slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		during = scrape(t, reg)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/slow", nil))
	if !strings.Contains(during, "http_requests_in_flight 1\n") {
		t.Fatalf("in-flight gauge not raised during the request:\n%s", during)
	}
}

func TestLabelEscaping(t *testing.T) {
	reg := New(BuildInfo{Version: "v\"1\"\\\n"})
	if body := scrape(t, reg); !strings.Contains(body, `version="v\"1\"\\\n"`) {
		t.Fatalf("label value not escaped:\n%s", body)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestExposeError(t *testing.T) {
	if err := New(BuildInfo{}).Expose(failingWriter{}); err == nil {
		t.Fatal("Expose to a failing writer returned nil")
	}
}
