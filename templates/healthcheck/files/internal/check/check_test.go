package check

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tinyBackoff keeps retry tests fast.
const tinyBackoff = time.Millisecond

// statusSequence answers with the given statuses in turn, repeating the last.
func statusSequence(statuses ...int) http.HandlerFunc {
	var mu sync.Mutex
	calls := 0
	return func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		status := statuses[min(calls, len(statuses)-1)]
		calls++
		mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte("body"))
	}
}

// hang blocks until the client gives up, without sleeping in the test.
func hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name         string
		handler      http.HandlerFunc
		cfg          Config
		wantHealthy  bool
		wantStatus   int
		wantAttempts int
		wantErr      string
	}{
		{
			name:         "healthy",
			handler:      statusSequence(http.StatusOK),
			cfg:          Config{ExpectedStatus: 200, Timeout: time.Second},
			wantHealthy:  true,
			wantStatus:   200,
			wantAttempts: 1,
		},
		{
			name:         "wrong status",
			handler:      statusSequence(http.StatusInternalServerError),
			cfg:          Config{ExpectedStatus: 200, Timeout: time.Second},
			wantStatus:   500,
			wantAttempts: 1,
			wantErr:      "unexpected status 500, want 200",
		},
		{
			name:         "retries then success",
			handler:      statusSequence(http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusOK),
			cfg:          Config{ExpectedStatus: 200, Timeout: time.Second, Retries: 2, BaseBackoff: tinyBackoff},
			wantHealthy:  true,
			wantStatus:   200,
			wantAttempts: 3,
		},
		{
			name:         "retries exhausted",
			handler:      statusSequence(http.StatusServiceUnavailable),
			cfg:          Config{ExpectedStatus: 200, Timeout: time.Second, Retries: 2, BaseBackoff: tinyBackoff},
			wantStatus:   503,
			wantAttempts: 3,
			wantErr:      "unexpected status 503, want 200",
		},
		{
			name:         "other expected status",
			handler:      statusSequence(http.StatusNoContent),
			cfg:          Config{ExpectedStatus: 204, Timeout: time.Second},
			wantHealthy:  true,
			wantStatus:   204,
			wantAttempts: 1,
		},
		{
			name:         "timeout",
			handler:      hang,
			cfg:          Config{ExpectedStatus: 200, Timeout: 20 * time.Millisecond},
			wantAttempts: 1,
			wantErr:      "timed out after 20ms",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()

			got := New(tt.cfg).Check(context.Background(), srv.URL)

			if got.URL != srv.URL {
				t.Errorf("URL = %q, want %q", got.URL, srv.URL)
			}
			if got.Healthy != tt.wantHealthy {
				t.Errorf("Healthy = %v, want %v (error %q)", got.Healthy, tt.wantHealthy, got.Error)
			}
			if got.Status != tt.wantStatus {
				t.Errorf("Status = %d, want %d", got.Status, tt.wantStatus)
			}
			if got.Attempts != tt.wantAttempts {
				t.Errorf("Attempts = %d, want %d", got.Attempts, tt.wantAttempts)
			}
			if got.Error != tt.wantErr {
				t.Errorf("Error = %q, want %q", got.Error, tt.wantErr)
			}
			if got.LatencyMS < 0 {
				t.Errorf("LatencyMS = %v, want >= 0", got.LatencyMS)
			}
		})
	}
}

func TestCheckConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(statusSequence(http.StatusOK))
	addr := srv.URL
	srv.Close()

	got := New(Config{Timeout: time.Second, Retries: 1, BaseBackoff: tinyBackoff}).Check(context.Background(), addr)

	if got.Healthy || got.Status != 0 || got.Attempts != 2 || got.Error == "" {
		t.Fatalf("got %+v, want unhealthy, no status, 2 attempts and an error", got)
	}
	if strings.Contains(got.Error, addr) {
		t.Errorf("Error %q repeats the URL", got.Error)
	}
}

func TestCheckMalformedURL(t *testing.T) {
	got := New(Config{}).Check(context.Background(), "http://bad host/")
	if got.Healthy || got.Error == "" {
		t.Fatalf("got %+v, want an unhealthy result with an error", got)
	}
}

func TestCheckCancelled(t *testing.T) {
	srv := httptest.NewServer(statusSequence(http.StatusOK))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	got := New(Config{Timeout: time.Second, Retries: 3}).Check(ctx, srv.URL)

	if got.Healthy || got.Attempts != 1 || got.Error != "interrupted" {
		t.Fatalf("got %+v, want one interrupted attempt", got)
	}
}

func TestCheckCancelledDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		// Cancelling while answering means the checker is waiting in its
		// backoff when it notices; the hour-long backoff must not be served.
		cancel()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	done := make(chan Result, 1)
	go func() {
		done <- New(Config{Timeout: time.Second, Retries: 3, BaseBackoff: time.Hour, MaxBackoff: time.Hour}).Check(ctx, srv.URL)
	}()
	select {
	case got := <-done:
		if got.Healthy || got.Attempts != 1 {
			t.Fatalf("got %+v, want one failed attempt", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Check did not return after cancellation")
	}
}

func TestCheckSendsUserAgent(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.UserAgent())
	}))
	defer srv.Close()

	New(Config{Timeout: time.Second, UserAgent: "probe/1.0"}).Check(context.Background(), srv.URL)

	if ua, _ := got.Load().(string); ua != "probe/1.0" {
		t.Errorf("User-Agent = %q, want %q", ua, "probe/1.0")
	}
}

func TestCheckRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusFound)
	})
	mux.HandleFunc("GET /new", func(w http.ResponseWriter, _ *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		name     string
		expected int
	}{
		{name: "followed when a final status is expected", expected: http.StatusOK},
		{name: "kept when a redirect is expected", expected: http.StatusFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(Config{ExpectedStatus: tt.expected, Timeout: time.Second}).Check(context.Background(), srv.URL+"/old")
			if !got.Healthy || got.Status != tt.expected {
				t.Fatalf("got %+v, want healthy with status %d", got, tt.expected)
			}
		})
	}
}

func TestCheckAllKeepsOrderAndLimitsConcurrency(t *testing.T) {
	const limit = 2
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		if r.URL.Path == "/down" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()

	paths := []string{"/a", "/down", "/b", "/c", "/d", "/e"}
	urls := make([]string, len(paths))
	for i, p := range paths {
		urls[i] = srv.URL + p
	}

	results := New(Config{Timeout: time.Second, Concurrency: limit}).CheckAll(context.Background(), urls)

	if len(results) != len(urls) {
		t.Fatalf("got %d results, want %d", len(results), len(urls))
	}
	for i, r := range results {
		if r.URL != urls[i] {
			t.Errorf("results[%d].URL = %q, want %q", i, r.URL, urls[i])
		}
		if want := paths[i] != "/down"; r.Healthy != want {
			t.Errorf("results[%d].Healthy = %v, want %v", i, r.Healthy, want)
		}
	}
	if p := peak.Load(); p > limit {
		t.Errorf("peak concurrency = %d, want at most %d", p, limit)
	}
}

func TestNewDefaults(t *testing.T) {
	c := New(Config{Retries: -1, Concurrency: 0})
	if c.cfg.ExpectedStatus != http.StatusOK || c.cfg.Concurrency != 1 || c.cfg.Retries != 0 ||
		c.cfg.BaseBackoff != DefaultBaseBackoff || c.cfg.MaxBackoff != DefaultMaxBackoff {
		t.Errorf("defaults not applied: %+v", c.cfg)
	}
	custom := &http.Client{}
	if got := New(Config{Client: custom}).client; got != custom {
		t.Error("a caller's Client is not used")
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{attempt: 0, want: 100 * time.Millisecond},
		{attempt: 1, want: 200 * time.Millisecond},
		{attempt: 2, want: 400 * time.Millisecond},
		{attempt: 3, want: 500 * time.Millisecond},
		{attempt: 50, want: 500 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Backoff(100*time.Millisecond, 500*time.Millisecond, tt.attempt); got != tt.want {
			t.Errorf("Backoff(attempt %d) = %s, want %s", tt.attempt, got, tt.want)
		}
	}
}

func TestValidateURL(t *testing.T) {
	tests := []struct {
		url     string
		wantErr string
	}{
		{url: "http://localhost:8080/healthz"},
		{url: "https://example.com"},
		{url: "example.com/healthz", wantErr: "scheme must be http or https"},
		{url: "ftp://example.com", wantErr: "scheme must be http or https"},
		{url: "http:///path", wantErr: "host is missing"},
		{url: "http://exa mple.com", wantErr: "invalid URL"},
		{url: "://nothing", wantErr: "missing protocol scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := ValidateURL(tt.url)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
