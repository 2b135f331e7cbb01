package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer lets the test read what run logs while run is still writing.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// client opens a new connection per request. A keep-alive transport may dial
// a spare connection it never uses, and Shutdown waits up to five seconds for
// such never-used connections.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// listenAddr waits for the "listening" log line and returns its address.
func listenAddr(t *testing.T, logs *syncBuffer, done <-chan int) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		for sc.Scan() {
			var entry struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &entry) == nil && entry.Msg == "listening" {
				return entry.Addr
			}
		}
		select {
		case code := <-done:
			t.Fatalf("run exited with %d before listening; logs:\n%s", code, logs.String())
		case <-deadline:
			t.Fatalf("server did not start; logs:\n%s", logs.String())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, nil, &stdout, &stderr, env(map[string]string{
			"HOST":             "127.0.0.1",
			"PORT":             "0",
			"LOG_LEVEL":        "debug",
			"SHUTDOWN_TIMEOUT": "5s",
		}))
	}()
	base := "http://" + listenAddr(t, &stdout, done)

	resp, err := client.Post(base+"/{{plural resource}}", "application/json", strings.NewReader(`{"name":"from main"}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /{{plural resource}} = %d", resp.StatusCode)
	}
	for _, path := range []string{
		"/healthz",
		"/readyz",
{{#if with_metrics}}
		"/metrics",
{{/if}}
	} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("run = %d, want %d; stderr: %s", code, exitOK, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after the context was cancelled")
	}
	for _, msg := range []string{`"msg":"starting"`, `"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(stdout.String(), msg) {
			t.Errorf("logs lack %s", msg)
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())

	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		want       int
		wantStdout string
		wantStderr string
	}{
		{"version", []string{"-version"}, nil, exitOK, "{{project_name}} dev (commit none, built unknown, go", ""},
		{"help", []string{"-h"}, nil, exitOK, "", "Usage: {{project_name}}"},
		{"unknown flag", []string{"-verbose"}, nil, exitUsage, "", "flag provided but not defined"},
		{"extra arguments", []string{"serve"}, nil, exitUsage, "", `unexpected arguments ["serve"]`},
		{"bad config", nil, map[string]string{"PORT": "eighty", "SHUTDOWN_TIMEOUT": "soon"}, exitUsage, "", "PORT=\"eighty\""},
		{"port in use", nil, map[string]string{"HOST": "127.0.0.1", "PORT": busyPort}, exitFailed, "server failed", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			got := run(context.Background(), tc.args, &stdout, &stderr, env(tc.env))
			if got != tc.want {
				t.Fatalf("run = %d, want %d\nstdout: %s\nstderr: %s", got, tc.want, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tc.wantStdout)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}
