package config

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(env(required(nil)))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		Port:              DefaultPort,
		LogLevel:          DefaultLogLevel,
		ShutdownTimeout:   mustDuration(t, DefaultShutdownTimeout),
		ShutdownDelay:     mustDuration(t, DefaultShutdownDelay),
		ReadHeaderTimeout: mustDuration(t, DefaultReadHeaderTimeout),
		ReadTimeout:       mustDuration(t, DefaultReadTimeout),
		WriteTimeout:      mustDuration(t, DefaultWriteTimeout),
		IdleTimeout:       mustDuration(t, DefaultIdleTimeout),
		MaxBodyBytes:      DefaultMaxBodyBytes,
		MaxItems:          DefaultMaxItems,
{{#if with_metrics}}
		MetricsPort:       -1,
{{/if}}
{{#if with_auth}}
		APIToken:          testToken,
{{/if}}
	}
	if cfg.ShutdownTimeout <= 0 {
		t.Fatalf("default SHUTDOWN_TIMEOUT must be positive, got %v", cfg.ShutdownTimeout)
	}
	if cfg != want {
		t.Fatalf("Load() = %+v, want %+v", cfg, want)
	}
	if got, want := cfg.Addr(), fmt.Sprintf(":%d", DefaultPort); got != want {
		t.Fatalf("Addr() = %q", got)
	}
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return d
}

func TestLoadOverrides(t *testing.T) {
	cfg, err := Load(env(required(map[string]string{
		"HOST":                " 127.0.0.1 ",
		"PORT":                "0",
		"LOG_LEVEL":           "DEBUG",
		"SHUTDOWN_TIMEOUT":    "30s",
		"SHUTDOWN_DELAY":      "0s",
		"READ_HEADER_TIMEOUT": "1s",
		"READ_TIMEOUT":        "2s",
		"WRITE_TIMEOUT":       "3s",
		"IDLE_TIMEOUT":        "1m",
		"MAX_BODY_BYTES":      "512",
		"MAX_ITEMS":           "3",
{{#if with_metrics}}
		"METRICS_PORT":        "9100",
{{/if}}
	})))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		Host:              "127.0.0.1",
		Port:              0,
		LogLevel:          slog.LevelDebug,
		ShutdownTimeout:   30 * time.Second,
		ShutdownDelay:     0,
		ReadHeaderTimeout: time.Second,
		ReadTimeout:       2 * time.Second,
		WriteTimeout:      3 * time.Second,
		IdleTimeout:       time.Minute,
		MaxBodyBytes:      512,
		MaxItems:          3,
{{#if with_metrics}}
		MetricsPort:       9100,
{{/if}}
{{#if with_auth}}
		APIToken:          testToken,
{{/if}}
	}
	if cfg != want {
		t.Fatalf("Load() = %+v, want %+v", cfg, want)
	}
	if got := cfg.Addr(); got != "127.0.0.1:0" {
		t.Fatalf("Addr() = %q", got)
	}
{{#if with_metrics}}
	if got := cfg.MetricsAddr(); got != "127.0.0.1:9100" {
		t.Fatalf("MetricsAddr() = %q", got)
	}
{{/if}}
}

func TestLoadLogLevels(t *testing.T) {
	tests := map[string]slog.Level{
		"debug":   slog.LevelDebug,
		"info":    slog.LevelInfo,
		"warn":    slog.LevelWarn,
		"Warning": slog.LevelWarn,
		"error":   slog.LevelError,
	}
	for in, want := range tests {
		cfg, err := Load(env(required(map[string]string{"LOG_LEVEL": in})))
		if err != nil {
			t.Fatalf("LOG_LEVEL=%s: %v", in, err)
		}
		if cfg.LogLevel != want {
			t.Fatalf("LOG_LEVEL=%s: got %v, want %v", in, cfg.LogLevel, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want []string
	}{
		{"port not a number", map[string]string{"PORT": "http"}, []string{`PORT="http"`}},
		{"port too large", map[string]string{"PORT": "70000"}, []string{"0 to 65535"}},
		{"port negative", map[string]string{"PORT": "-1"}, []string{"PORT"}},
		{"log level", map[string]string{"LOG_LEVEL": "verbose"}, []string{`LOG_LEVEL="verbose"`, "debug, info, warn, error"}},
		{"duration syntax", map[string]string{"SHUTDOWN_TIMEOUT": "10"}, []string{`SHUTDOWN_TIMEOUT="10"`, "duration"}},
		{"duration zero", map[string]string{"READ_TIMEOUT": "0s"}, []string{"READ_TIMEOUT", "must be from 1ms to 1h0m0s"}},
		{"duration negative", map[string]string{"SHUTDOWN_DELAY": "-1s"}, []string{"SHUTDOWN_DELAY", "must be from 0s to 1h0m0s"}},
		{"body size", map[string]string{"MAX_BODY_BYTES": "1MB"}, []string{"MAX_BODY_BYTES", "positive"}},
		{"max items", map[string]string{"MAX_ITEMS": "0"}, []string{`MAX_ITEMS="0"`, "positive"}},
{{#if with_metrics}}
		{"metrics port", map[string]string{"METRICS_PORT": "x"}, []string{`METRICS_PORT="x"`}},
		{"metrics port is the API port", map[string]string{"PORT": "9000", "METRICS_PORT": "9000"}, []string{"METRICS_PORT", "must differ from PORT"}},
{{/if}}
{{#if with_auth}}
		{"token too short", map[string]string{"API_TOKEN": "short"}, []string{"API_TOKEN", "at least 16"}},
{{/if}}
		{
			"all reported together",
			map[string]string{"PORT": "x", "LOG_LEVEL": "y", "IDLE_TIMEOUT": "z"},
			[]string{"PORT", "LOG_LEVEL", "IDLE_TIMEOUT"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(required(tc.vars)))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

// required adds the variables without a default to vars, unless vars sets them.
func required(vars map[string]string) map[string]string {
	out := make(map[string]string)
{{#if with_auth}}
	out["API_TOKEN"] = testToken
{{/if}}
	for k, v := range vars {
		out[k] = v
	}
	return out
}
{{#if with_metrics}}

func TestMetricsOnTheAPIPort(t *testing.T) {
	cfg, err := Load(env(required(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MetricsAddr() != "" {
		t.Fatalf("MetricsAddr() = %q, want empty when METRICS_PORT is unset", cfg.MetricsAddr())
	}
}
{{/if}}
{{#if with_auth}}

const testToken = "0123456789abcdef0123456789abcdef"

func TestAPIToken(t *testing.T) {
	cfg, err := Load(env(required(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APIToken.Value() != testToken {
		t.Fatalf("APIToken = %q", cfg.APIToken.Value())
	}
	_, err = Load(env(nil))
	if err == nil || !strings.Contains(err.Error(), "API_TOKEN: is required") {
		t.Fatalf("Load without API_TOKEN = %v", err)
	}
	_, err = Load(env(map[string]string{"API_TOKEN": "secret-but-short"[:10]}))
	if err == nil || strings.Contains(err.Error(), "secret-but") {
		t.Fatalf("the error must not quote the token: %v", err)
	}
}
{{/if}}
