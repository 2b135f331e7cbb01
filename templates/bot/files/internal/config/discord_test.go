package config

import (
	"crypto/ed25519"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// testKey is a valid Ed25519 public key in hex.
var testKey = hex.EncodeToString(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey))

func TestLoadDiscordServeDefaults(t *testing.T) {
	cfg, err := Load(env(map[string]string{"DISCORD_PUBLIC_KEY": testKey}), Serve)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(cfg.PublicKey) != testKey {
		t.Errorf("PublicKey = %x", cfg.PublicKey)
	}
	if cfg.Addr() != ":{{port}}" || cfg.APIURL != DefaultDiscordAPIURL || cfg.ShutdownTimeout != 10*time.Second ||
		cfg.MaxBodyBytes != DefaultMaxBodyBytes || cfg.LogLevel != DefaultLogLevel {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestLoadDiscordOverrides(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"DISCORD_PUBLIC_KEY": testKey,
		"DISCORD_APP_ID":     "1234567890123456789",
		"DISCORD_BOT_TOKEN":  "bot-token",
		"DISCORD_GUILD_ID":   "987654321098765432",
		"DISCORD_API_URL":    "http://127.0.0.1:9999/api/",
		"HOST":               "127.0.0.1",
		"PORT":               "0",
		"SHUTDOWN_TIMEOUT":   "2s",
		"SHUTDOWN_DELAY":     "5s",
		"MAX_BODY_BYTES":     "1024",
	}), Register)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AppID != "1234567890123456789" || cfg.GuildID != "987654321098765432" || cfg.BotToken.Value() != "bot-token" ||
		cfg.APIURL != "http://127.0.0.1:9999/api" || cfg.Addr() != "127.0.0.1:0" || cfg.ShutdownTimeout != 2*time.Second ||
		cfg.ShutdownDelay != 5*time.Second || cfg.MaxBodyBytes != 1024 {
		t.Errorf("cfg = %+v", cfg)
	}
}

func TestLoadDiscordErrors(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		purpose Purpose
		want    []string
	}{
		{"serve without key", nil, Serve, []string{"DISCORD_PUBLIC_KEY: is required"}},
		{"register without ids", map[string]string{"DISCORD_PUBLIC_KEY": testKey}, Register, []string{"DISCORD_APP_ID: is required", "DISCORD_BOT_TOKEN: is required"}},
		{"bad values", map[string]string{
			"DISCORD_PUBLIC_KEY": "abc",
			"DISCORD_GUILD_ID":   "my-server",
			"PORT":               "70000",
			"MAX_BODY_BYTES":     "-1",
			"SHUTDOWN_TIMEOUT":   "later",
		}, Serve, []string{`DISCORD_PUBLIC_KEY="abc"`, `DISCORD_GUILD_ID="my-server"`, `PORT="70000"`, `MAX_BODY_BYTES="-1"`, `SHUTDOWN_TIMEOUT="later"`}},
		{"key is not hex", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("zz", 32)}, Serve, []string{"must be 64 hexadecimal characters"}},
		{"app id is not numeric", map[string]string{"DISCORD_APP_ID": "app", "DISCORD_BOT_TOKEN": "t"}, Register, []string{`DISCORD_APP_ID="app": must be a numeric Discord ID`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env), tc.purpose)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestLoadDiscordServeIgnoresRegistrationVariables(t *testing.T) {
	if _, err := Load(env(map[string]string{"DISCORD_PUBLIC_KEY": testKey}), Serve); err != nil {
		t.Errorf("serving needs no app ID or bot token: %v", err)
	}
	if _, err := Load(env(map[string]string{"DISCORD_APP_ID": "1", "DISCORD_BOT_TOKEN": "t"}), Register); err != nil {
		t.Errorf("registering needs no public key: %v", err)
	}
}
