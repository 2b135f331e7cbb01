package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// Retries wait a millisecond instead of the production backoff.
	baseBackoff, maxBackoff = time.Millisecond, 2*time.Millisecond
	os.Exit(m.Run())
}

// newServer serves /ok (200), /down (503), /nocontent (204) and /flaky,
// which fails twice before succeeding.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	flaky := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("GET /down", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	mux.HandleFunc("GET /nocontent", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /flaky", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if flaky++; flaky <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestRun(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{
			name:       "healthy",
			args:       []string{"-status", "200", srv.URL + "/ok"},
			wantCode:   exitHealthy,
			wantStdout: []string{"ok      " + srv.URL + "/ok", "1 checked, 1 healthy, 0 unhealthy"},
		},
		{
			name:       "wrong status",
			args:       []string{"-status", "200", "-retries", "0", srv.URL + "/down"},
			wantCode:   exitUnhealthy,
			wantStdout: []string{"FAIL", "unexpected status 503, want 200"},
		},
		{
			name:       "other expected status",
			args:       []string{"-status", "204", srv.URL + "/nocontent"},
			wantCode:   exitHealthy,
			wantStdout: []string{"204"},
		},
		{
			name:       "retries then success",
			args:       []string{"-status", "200", "-retries", "2", srv.URL + "/flaky"},
			wantCode:   exitHealthy,
			wantStdout: []string{"ok", "1 healthy"},
		},
		{
			name:       "timeout",
			args:       []string{"-timeout", "20ms", "-retries", "0", srv.URL + "/slow"},
			wantCode:   exitUnhealthy,
			wantStdout: []string{"timed out after 20ms"},
		},
		{
			name:       "flags after URLs",
			args:       []string{srv.URL + "/ok", "-status", "200", srv.URL + "/down", "-retries", "0"},
			wantCode:   exitUnhealthy,
			wantStdout: []string{"2 checked, 1 healthy, 1 unhealthy"},
		},
		{
			name:       "urls from the environment",
			env:        map[string]string{"CHECK_URL": " " + srv.URL + "/ok , ," + srv.URL + "/nocontent,"},
			args:       []string{"-status", "200", "-retries", "0"},
			wantCode:   exitUnhealthy,
			wantStdout: []string{"2 checked, 1 healthy, 1 unhealthy"},
		},
		{
			name:       "arguments win over the environment",
			env:        map[string]string{"CHECK_URL": srv.URL + "/down"},
			args:       []string{"-status", "200", srv.URL + "/ok"},
			wantCode:   exitHealthy,
			wantStdout: []string{"1 checked, 1 healthy"},
		},
		{
			name:       "version",
			args:       []string{"-version"},
			wantCode:   exitHealthy,
			wantStdout: []string{name + " dev (commit none, built unknown, go"},
		},
		{
			name:       "help",
			args:       []string{"-h"},
			wantCode:   exitHealthy,
			wantStderr: "Exit codes:",
		},
		{name: "no URL", wantCode: exitUsage, wantStderr: "no URL given"},
		{name: "unknown flag", args: []string{"-bogus"}, wantCode: exitUsage, wantStderr: "flag provided but not defined"},
		{name: "bad output format", args: []string{"-output", "xml", srv.URL}, wantCode: exitUsage, wantStderr: `invalid -output "xml"`},
		{name: "invalid URL", args: []string{"example.com"}, wantCode: exitUsage, wantStderr: "scheme must be http or https"},
		{name: "bad timeout", args: []string{"-timeout", "soon", srv.URL}, wantCode: exitUsage, wantStderr: "invalid value"},
		{name: "zero timeout", args: []string{"-timeout", "0s", srv.URL}, wantCode: exitUsage, wantStderr: "invalid -timeout"},
		{name: "bad status", args: []string{"-status", "42", srv.URL}, wantCode: exitUsage, wantStderr: "invalid -status 42"},
		{name: "negative retries", args: []string{"-retries", "-1", srv.URL}, wantCode: exitUsage, wantStderr: "invalid -retries"},
		{name: "zero concurrency", args: []string{"-concurrency", "0", srv.URL}, wantCode: exitUsage, wantStderr: "invalid -concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := exitCode(run(context.Background(), tt.args, env(tt.env), &stdout, &stderr), &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout does not contain %q:\n%s", want, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantStderr, stderr.String())
			}
			if tt.wantCode == exitUsage && stdout.Len() != 0 {
				t.Errorf("usage error wrote to stdout:\n%s", stdout.String())
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	srv := newServer(t)
	urls := []string{srv.URL + "/ok", srv.URL + "/down", srv.URL + "/nocontent"}
	args := append([]string{"-output", "json", "-status", "200", "-retries", "1", "-concurrency", "3"}, urls...)
	var stdout, stderr bytes.Buffer

	code := exitCode(run(context.Background(), args, env(nil), &stdout, &stderr), &stderr)

	if code != exitUnhealthy {
		t.Fatalf("exit code = %d, want %d; stderr: %s", code, exitUnhealthy, stderr.String())
	}
	var report struct {
		Healthy bool `json:"healthy"`
		Results []struct {
			URL       string   `json:"url"`
			Healthy   bool     `json:"healthy"`
			Status    int      `json:"status"`
			LatencyMS *float64 `json:"latency_ms"`
			Attempts  int      `json:"attempts"`
			Error     string   `json:"error"`
		} `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
	}
	if report.Healthy {
		t.Error("healthy = true, want false")
	}
	want := []struct {
		healthy  bool
		status   int
		attempts int
	}{
		{healthy: true, status: 200, attempts: 1},
		{healthy: false, status: 503, attempts: 2},
		{healthy: false, status: 204, attempts: 2},
	}
	if len(report.Results) != len(want) {
		t.Fatalf("got %d results, want %d", len(report.Results), len(want))
	}
	for i, r := range report.Results {
		if r.URL != urls[i] || r.Healthy != want[i].healthy || r.Status != want[i].status || r.Attempts != want[i].attempts {
			t.Errorf("results[%d] = %+v, want URL %s and %+v", i, r, urls[i], want[i])
		}
		if r.LatencyMS == nil {
			t.Errorf("results[%d] has no latency_ms", i)
		}
	}
}

func TestRunInterrupted(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer

	code := exitCode(run(ctx, []string{srv.URL + "/ok"}, env(nil), &stdout, &stderr), &stderr)

	if code != exitUnhealthy || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit code = %d, stderr = %q; want %d and an interruption notice", code, stderr.String(), exitUnhealthy)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestRunReportsWriteErrors(t *testing.T) {
	srv := newServer(t)
	var stderr bytes.Buffer

	code := exitCode(run(context.Background(), []string{"-status", "200", srv.URL + "/ok"}, env(nil), failingWriter{}, &stderr), &stderr)

	if code != exitUnhealthy || !strings.Contains(stderr.String(), "broken pipe") {
		t.Fatalf("exit code = %d, stderr = %q; want %d and the write error", code, stderr.String(), exitUnhealthy)
	}
}

func TestDefaultsAreValid(t *testing.T) {
	opts, err := parseArgs([]string{"http://localhost"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(opts); err != nil {
		t.Fatalf("the generated defaults are invalid: %v", err)
	}
}

func TestMustParseDuration(t *testing.T) {
	if got := mustParseDuration("1500ms"); got != 1500*time.Millisecond {
		t.Errorf("mustParseDuration(1500ms) = %s", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("mustParseDuration did not panic on a bad value")
		}
	}()
	mustParseDuration("soon")
}
