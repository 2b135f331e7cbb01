package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestRunServesAndShutsDown(t *testing.T) {
	s := start(t, map[string]string{
		"HOST":             "127.0.0.1",
		"PORT":             "0",
		"LOG_LEVEL":        "debug",
		"SHUTDOWN_TIMEOUT": "5s",
{{#if with_auth}}
		"API_TOKEN":        testToken,
{{/if}}
	})
	base := "http://" + listenAddr(t, s)

	req, err := http.NewRequest(http.MethodPost, base+"/{{plural resource}}", strings.NewReader(`{"name":"from main"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
{{#if with_auth}}
	req.Header.Set("Authorization", "Bearer "+testToken)
{{/if}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /{{plural resource}} = %d", resp.StatusCode)
	}
	checkProbes(t, base)
	stop(t, s)
}

func TestRunExitCodes(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())

	tests := []exitCase{
		{"version", []string{"-version"}, nil, exitOK, "{{project_name}} dev (commit none, built unknown, go", ""},
		{"help", []string{"-h"}, nil, exitOK, "", "Usage: {{project_name}}"},
		{"unknown flag", []string{"-verbose"}, nil, exitUsage, "", "flag provided but not defined"},
		{"extra arguments", []string{"serve"}, nil, exitUsage, "", `unexpected arguments ["serve"]`},
		{"bad config", nil, map[string]string{"PORT": "eighty", "SHUTDOWN_TIMEOUT": "soon"}, exitUsage, "", "PORT=\"eighty\""},
		{"port in use", nil, map[string]string{"HOST": "127.0.0.1", "PORT": busyPort{{#if with_auth}}, "API_TOKEN": testToken{{/if}}}, exitFailed, "server failed", ""},
	}
	checkExitCases(t, tests, "")
}
{{#if with_auth}}

const testToken = "0123456789abcdef0123456789abcdef"
{{/if}}
{{#if with_metrics}}

func TestRunMetricsOnTheirOwnPort(t *testing.T) {
	s := start(t, map[string]string{
		"HOST":         "127.0.0.1",
		"PORT":         "0",
		"METRICS_PORT": "0",
{{#if with_auth}}
		"API_TOKEN":    testToken,
{{/if}}
	})
	api := "http://" + listenAddr(t, s)
	metricsBase := "http://" + endpointAddr(t, s, "metrics")
	for _, tc := range []struct {
		url  string
		want int
	}{
		{metricsBase + "/metrics", http.StatusOK},
		{api + "/metrics", http.StatusNotFound},
		{api + "/healthz", http.StatusOK},
	} {
		resp, err := client.Get(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s = %d, want %d", tc.url, resp.StatusCode, tc.want)
		}
	}
	if err := s.stopped(t); err != nil {
		t.Fatalf("run = %v; stderr: %s", err, s.stderr.String())
	}
}
{{/if}}
