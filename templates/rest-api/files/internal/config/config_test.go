package config

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(key string) string { return vars[key] }
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(env(nil))
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
	cfg, err := Load(env(map[string]string{
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
	}))
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
	}
	if cfg != want {
		t.Fatalf("Load() = %+v, want %+v", cfg, want)
	}
	if got := cfg.Addr(); got != "127.0.0.1:0" {
		t.Fatalf("Addr() = %q", got)
	}
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
		cfg, err := Load(env(map[string]string{"LOG_LEVEL": in}))
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
		{"duration zero", map[string]string{"READ_TIMEOUT": "0s"}, []string{"READ_TIMEOUT", "greater than zero"}},
		{"duration negative", map[string]string{"SHUTDOWN_DELAY": "-1s"}, []string{"SHUTDOWN_DELAY", "greater than zero"}},
		{"body size", map[string]string{"MAX_BODY_BYTES": "1MB"}, []string{"MAX_BODY_BYTES", "positive"}},
		{
			"all reported together",
			map[string]string{"PORT": "x", "LOG_LEVEL": "y", "IDLE_TIMEOUT": "z"},
			[]string{"PORT", "LOG_LEVEL", "IDLE_TIMEOUT"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.vars))
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
