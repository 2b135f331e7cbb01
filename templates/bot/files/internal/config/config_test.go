package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestSecretNeverPrints(t *testing.T) {
	s := Secret("123456:very-secret")
	if s.Value() != "123456:very-secret" {
		t.Fatalf("Value() = %q", s.Value())
	}

	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", slog.Any("token", s))
	asJSON, err := json.Marshal(struct{ Token Secret }{s})
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		fmt.Sprint(s),
		fmt.Sprintf("%s %v %+v", s, s, s),
		fmt.Sprintf("%#v", s),
		fmt.Sprintf("%+v", struct{ Token Secret }{s}),
		logs.String(),
		string(asJSON),
	} {
		if strings.Contains(out, "very-secret") || !strings.Contains(out, "[redacted]") {
			t.Errorf("%q shows the secret or lacks [redacted]", out)
		}
	}
}

func TestLogLevel(t *testing.T) {
	tests := []struct {
		value   string
		want    slog.Level
		wantErr bool
	}{
		{"", slog.LevelInfo, false},
		{"debug", slog.LevelDebug, false},
		{" INFO ", slog.LevelInfo, false},
		{"warn", slog.LevelWarn, false},
		{"warning", slog.LevelWarn, false},
		{"Error", slog.LevelError, false},
		{"verbose", slog.LevelInfo, true},
	}
	for _, tc := range tests {
		l := &loader{getenv: env(map[string]string{"LOG_LEVEL": tc.value})}
		got := l.logLevel()
		if got != tc.want || (l.err() != nil) != tc.wantErr {
			t.Errorf("LOG_LEVEL=%q: got %v, error %v", tc.value, got, l.err())
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr string
	}{
		{"", 30 * time.Second, ""},
		{"45s", 45 * time.Second, ""},
		{"1m", time.Minute, ""},
		{"soon", 30 * time.Second, "must be a duration"},
		{"0s", 30 * time.Second, "must be from 1s to 5m0s"},
		{"6m", 30 * time.Second, "must be from 1s to 5m0s"},
	}
	for _, tc := range tests {
		l := &loader{getenv: env(map[string]string{"WAIT": tc.value})}
		got := l.duration("WAIT", "30s", time.Second, 5*time.Minute)
		if got != tc.want {
			t.Errorf("WAIT=%q: got %v, want %v", tc.value, got, tc.want)
		}
		if err := l.err(); (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("WAIT=%q: error %v, want %q", tc.value, err, tc.wantErr)
		}
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		value   string
		want    string
		wantErr bool
	}{
		{"", "https://default.example", false},
		{"http://127.0.0.1:8081/", "http://127.0.0.1:8081", false},
		{"https://proxy.example/telegram", "https://proxy.example/telegram", false},
		{"proxy.example", "https://default.example", true},
		{"ftp://proxy.example", "https://default.example", true},
		{"https://", "https://default.example", true},
		{"https://proxy.example/?a=b", "https://default.example", true},
		{"https://proxy.example/#top", "https://default.example", true},
		{"http://[::1", "https://default.example", true},
	}
	for _, tc := range tests {
		l := &loader{getenv: env(map[string]string{"API_URL": tc.value})}
		got := l.baseURL("API_URL", "https://default.example")
		if got != tc.want || (l.err() != nil) != tc.wantErr {
			t.Errorf("API_URL=%q: got %q, error %v", tc.value, got, l.err())
		}
	}
}
