// Package check probes HTTP endpoints and decides whether they are healthy:
// an endpoint is healthy when it answers a GET request with the expected
// status code within the timeout.
package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Backoff defaults: the first retry comes quickly so a briefly unavailable
// endpoint costs little, and the cap keeps a long retry chain bounded.
const (
	DefaultBaseBackoff = 200 * time.Millisecond
	DefaultMaxBackoff  = 5 * time.Second
)

// maxDrain bounds how much of a response body is read before the connection
// is released. Draining lets the transport reuse the connection for the next
// attempt; the bound keeps a large page from being downloaded for nothing.
const maxDrain = 64 << 10

// Config controls how endpoints are checked. Zero values fall back to safe
// defaults, see New.
type Config struct {
	// ExpectedStatus is the status code a healthy endpoint answers with.
	ExpectedStatus int
	// Timeout bounds each attempt, from connecting to reading the body.
	Timeout time.Duration
	// Retries is the number of extra attempts after a failed one.
	Retries int
	// Concurrency is the number of endpoints checked at the same time.
	Concurrency int
	// BaseBackoff is the wait before the first retry; it doubles with every
	// further retry, up to MaxBackoff.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// UserAgent identifies the checker in the endpoints' access logs.
	UserAgent string
	// Client performs the requests. When nil, New builds one from Timeout.
	Client *http.Client
}

// Result is the outcome of checking one endpoint.
type Result struct {
	URL     string `json:"url"`
	Healthy bool   `json:"healthy"`
	// Status is the status code of the last attempt, 0 when no response arrived.
	Status int `json:"status"`
	// LatencyMS is the time from sending the last request to receiving its
	// response headers, in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
	Attempts  int     `json:"attempts"`
	// Error says why the last attempt failed; empty when healthy.
	Error string `json:"error,omitempty"`
}

// Checker checks endpoints with one Config. It is safe for concurrent use.
type Checker struct {
	cfg    Config
	client *http.Client
}

// New returns a Checker for cfg, replacing out-of-range values with defaults:
// a status of 200, one endpoint at a time, no retries and the default backoff.
func New(cfg Config) *Checker {
	if cfg.ExpectedStatus == 0 {
		cfg.ExpectedStatus = http.StatusOK
	}
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 1
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = DefaultBaseBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout}
		// A redirect is only followed when the caller expects a non-redirect
		// status; otherwise the 3xx answer itself is what is being checked.
		if isRedirect(cfg.ExpectedStatus) {
			client.CheckRedirect = func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}
		}
	}
	return &Checker{cfg: cfg, client: client}
}

func isRedirect(status int) bool {
	return status >= 300 && status < 400
}

// CheckAll checks every URL, at most Concurrency at a time, and returns the
// results in the order of urls.
func (c *Checker) CheckAll(ctx context.Context, urls []string) []Result {
	results := make([]Result, len(urls))
	slots := make(chan struct{}, c.cfg.Concurrency)
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			// Each goroutine writes only its own index, so no lock is needed.
			results[i] = c.Check(ctx, u)
		}()
	}
	wg.Wait()
	return results
}

// Check checks one URL, retrying failed attempts with exponential backoff
// until one succeeds, the retries run out or ctx is cancelled.
func (c *Checker) Check(ctx context.Context, rawURL string) Result {
	// Only the redacted URL ever leaves this function: reports end up in CI
	// logs, and URLs carry passwords and tokens.
	res := Result{URL: Redact(rawURL)}
	for attempt := 0; ; attempt++ {
		res.Attempts = attempt + 1
		status, latency, err := c.probe(ctx, rawURL)
		res.Status = status
		res.LatencyMS = milliseconds(latency)
		if err == nil {
			res.Healthy = true
			res.Error = ""
			return res
		}
		res.Error = strings.ReplaceAll(err.Error(), rawURL, res.URL)
		if attempt >= c.cfg.Retries || ctx.Err() != nil {
			return res
		}
		if !wait(ctx, Backoff(c.cfg.BaseBackoff, c.cfg.MaxBackoff, attempt)) {
			return res
		}
	}
}

// probe performs one attempt and returns the status code, the time until the
// response headers arrived and why the attempt counts as a failure, if it does.
func (c *Checker) probe(ctx context.Context, rawURL string) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, 0, err
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	start := time.Now()
	resp, err := c.client.Do(req)
	latency := time.Since(start)
	if err != nil {
		return 0, latency, c.describe(ctx, err)
	}
	// The body is drained and closed whatever the status, so the connection
	// goes back to the pool instead of leaking.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	_ = resp.Body.Close()
	if resp.StatusCode != c.cfg.ExpectedStatus {
		return resp.StatusCode, latency, fmt.Errorf("unexpected status %d, want %d", resp.StatusCode, c.cfg.ExpectedStatus)
	}
	return resp.StatusCode, latency, nil
}

// describe turns a transport error into a short reason. The URL is left out
// because every result already shows it.
func (c *Checker) describe(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		if urlErr.Timeout() {
			return fmt.Errorf("timed out after %s", c.client.Timeout)
		}
		return urlErr.Err
	}
	return err
}

// Backoff returns the wait before retry number attempt, counting from 0:
// base, doubled for every earlier retry, and never more than ceiling.
func Backoff(base, ceiling time.Duration, attempt int) time.Duration {
	d := base
	for i := 0; i < attempt && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}

// wait sleeps for d and reports whether it did so without ctx being cancelled.
func wait(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// milliseconds rounds d to hundredths of a millisecond, enough precision for
// fast local endpoints without noise in the output.
func milliseconds(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*100) / 100
}

// ValidateURL reports whether raw is an absolute http or https URL with a host.
func ValidateURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return fmt.Errorf("invalid URL %q: %w", Redact(raw), errors.New(strings.ReplaceAll(err.Error(), raw, Redact(raw))))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("invalid URL %q: the scheme must be http or https", Redact(raw))
	}
	if u.Host == "" {
		return fmt.Errorf("invalid URL %q: the host is missing", Redact(raw))
	}
	return nil
}
