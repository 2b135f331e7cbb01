package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

func TestLoadTelegramDefaults(t *testing.T) {
	cfg, err := Load(env(map[string]string{"TELEGRAM_BOT_TOKEN": " " + testToken + " "}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Token.Value() != testToken {
		t.Errorf("Token = %q", cfg.Token.Value())
	}
	if cfg.APIURL != DefaultTelegramAPIURL || cfg.PollTimeout != 30*time.Second || cfg.LogLevel != DefaultLogLevel || cfg.Concurrency != DefaultConcurrency {
		t.Errorf("defaults = %+v", cfg)
	}
	if want := filepath.Join(os.TempDir(), "{{project_name}}.heartbeat"); cfg.HeartbeatFile != want {
		t.Errorf("HeartbeatFile = %q, want %q", cfg.HeartbeatFile, want)
	}
}

func TestLoadTelegramOverrides(t *testing.T) {
	heartbeat := filepath.Join(t.TempDir(), "alive")
	cfg, err := Load(env(map[string]string{
		"TELEGRAM_BOT_TOKEN":    testToken,
		"TELEGRAM_API_URL":      "http://127.0.0.1:8081/",
		"TELEGRAM_POLL_TIMEOUT": "50s",
		"TELEGRAM_CONCURRENCY":  "3",
		"LOG_LEVEL":             "debug",
		"HEARTBEAT_FILE":        " " + heartbeat + " ",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APIURL != "http://127.0.0.1:8081" || cfg.PollTimeout != 50*time.Second || cfg.LogLevel.String() != "DEBUG" || cfg.Concurrency != 3 || cfg.HeartbeatFile != heartbeat {
		t.Errorf("cfg = %+v", cfg)
	}
}

func TestLoadTelegramErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"no token", nil, []string{"TELEGRAM_BOT_TOKEN: is required"}},
		{"malformed token", map[string]string{"TELEGRAM_BOT_TOKEN": "not a token"}, []string{"TELEGRAM_BOT_TOKEN: does not look like a bot token"}},
		{"fractional poll timeout", map[string]string{"TELEGRAM_BOT_TOKEN": testToken, "TELEGRAM_POLL_TIMEOUT": "1500ms"}, []string{`TELEGRAM_POLL_TIMEOUT="1500ms": must be a whole number of seconds`}},
		{"relative heartbeat file", map[string]string{"TELEGRAM_BOT_TOKEN": testToken, "HEARTBEAT_FILE": "run/heartbeat"}, []string{`HEARTBEAT_FILE="run/heartbeat": must be an absolute path`}},
		{"everything wrong", map[string]string{
			"TELEGRAM_BOT_TOKEN":    "abc/def",
			"TELEGRAM_API_URL":      "api.telegram.org",
			"TELEGRAM_POLL_TIMEOUT": "forever",
			"TELEGRAM_CONCURRENCY":  "0",
			"LOG_LEVEL":             "loud",
		}, []string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "TELEGRAM_POLL_TIMEOUT", "TELEGRAM_CONCURRENCY", "LOG_LEVEL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if tok := tc.env["TELEGRAM_BOT_TOKEN"]; tok != "" && strings.Contains(err.Error(), tok) {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}
