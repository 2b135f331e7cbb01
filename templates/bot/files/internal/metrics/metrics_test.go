package metrics

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestExpose(t *testing.T) {
	reg := New(BuildInfo{Version: "v1.2.3", Commit: "abc1234", Date: "2025-01-01"})
	reg.ObserveRequest(http.MethodPost, "/interactions", 200, 3*time.Millisecond)
	reg.ObserveRequest(http.MethodPost, "/interactions", 200, 40*time.Millisecond)
	reg.ObserveRequest(http.MethodPost, "/interactions", 401, time.Millisecond)
	reg.ObserveRequest("BREW", "unmatched", 404, 20*time.Second)
	reg.ObserveCommand("price", "ok")
	reg.ObserveCommand("price", "ok")
	reg.ObserveCommand("help", "ok")
	reg.ObserveCommand("unknown", "unknown")

	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); ct != ContentType {
		t.Errorf("Content-Type = %q", ct)
	}
	out := rec.Body.String()
	for _, want := range []string{
		"# TYPE http_requests_total counter\n" +
			`http_requests_total{method="POST",route="/interactions",status="200"} 2` + "\n" +
			`http_requests_total{method="POST",route="/interactions",status="401"} 1` + "\n" +
			`http_requests_total{method="OTHER",route="unmatched",status="404"} 1` + "\n",
		`http_request_duration_seconds_bucket{method="POST",route="/interactions",le="0.005"} 2` + "\n",
		`http_request_duration_seconds_bucket{method="POST",route="/interactions",le="0.05"} 3` + "\n",
		`http_request_duration_seconds_bucket{method="POST",route="/interactions",le="+Inf"} 3` + "\n",
		`http_request_duration_seconds_count{method="POST",route="/interactions"} 3` + "\n",
		`http_request_duration_seconds_sum{method="OTHER",route="unmatched"} 20` + "\n",
		`http_request_duration_seconds_bucket{method="OTHER",route="unmatched",le="10"} 0` + "\n",
		`http_request_duration_seconds_bucket{method="OTHER",route="unmatched",le="+Inf"} 1` + "\n",
		"# TYPE discord_commands_total counter\n" +
			`discord_commands_total{command="help",status="ok"} 1` + "\n" +
			`discord_commands_total{command="price",status="ok"} 2` + "\n" +
			`discord_commands_total{command="unknown",status="unknown"} 1` + "\n",
		"# TYPE go_goroutines gauge\ngo_goroutines ",
		`{{snake_case project_name}}_build_info{version="v1.2.3",commit="abc1234",date="2025-01-01",goversion="go`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks\n%s\n--- output:\n%s", want, out)
		}
	}
}

func TestLabelsAreEscaped(t *testing.T) {
	reg := New(BuildInfo{Version: "a\"b\\c\nd"})
	var b strings.Builder
	if err := reg.Expose(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `version="a\"b\\c\nd"`) {
		t.Errorf("label not escaped:\n%s", b.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestExposeReportsWriteErrors(t *testing.T) {
	if err := New(BuildInfo{}).Expose(failingWriter{}); err == nil {
		t.Error("Expose ignored a write error")
	}
}

func TestConcurrentUse(t *testing.T) {
	reg := New(BuildInfo{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				reg.ObserveRequest(http.MethodGet, "/healthz", 200, time.Millisecond)
				reg.ObserveCommand("help", "ok")
				_ = reg.Expose(&strings.Builder{})
			}
		}()
	}
	wg.Wait()
	var b strings.Builder
	_ = reg.Expose(&b)
	if !strings.Contains(b.String(), `discord_commands_total{command="help",status="ok"} 800`) {
		t.Errorf("lost updates:\n%s", b.String())
	}
}

func TestNormalizeMethod(t *testing.T) {
	for in, want := range map[string]string{"GET": "GET", "POST": "POST", "DELETE": "DELETE", "get": "OTHER", "BREW": "OTHER"} {
		if got := normalizeMethod(in); got != want {
			t.Errorf("normalizeMethod(%q) = %q, want %q", in, got, want)
		}
	}
}
