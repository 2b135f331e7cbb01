package discord

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"{{module_path}}/internal/metrics"
)

func TestMetrics(t *testing.T) {
	reg := metrics.New(metrics.BuildInfo{Version: "v1.2.3"})
	s := newTestServer(t, func(o *Options) { o.Metrics = reg })
	s.post(command("price", "symbol", "ACME"), true)
	s.post(command("price", "symbol", "ZZZ"), true)
	s.post(command("dance"), true)
	s.post(`{"type":1}`, false)
	s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/random", nil))

	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	out := rec.Body.String()
	for _, want := range []string{
		`http_requests_total{method="POST",route="/interactions",status="200"} 3`,
		`http_requests_total{method="POST",route="/interactions",status="401"} 1`,
		`http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`discord_commands_total{command="price",status="ok"} 1`,
		`discord_commands_total{command="price",status="invalid"} 1`,
		`discord_commands_total{command="unknown",status="unknown"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s\n--- metrics:\n%s", want, out)
		}
	}
	if strings.Contains(out, "dance") || strings.Contains(out, "/random") {
		t.Error("raw command names or paths became label values")
	}
}
