package config

import (
	"crypto/ed25519"
	"encoding/hex"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"time"
)

// Defaults, also documented in README.md and .env.example.
const (
	DefaultDiscordAPIURL   = "https://discord.com/api/v10"
	DefaultPort            = {{port}}
	DefaultShutdownTimeout = "10s"
	DefaultShutdownDelay   = "0s"
	// Interaction payloads are a few kilobytes; the limit only has to stop
	// a client from making the server buffer arbitrary amounts of data.
	DefaultMaxBodyBytes = 64 << 10
)

// Purpose says what the configuration is loaded for, which decides the
// variables that are required.
type Purpose int

const (
	// Serve answers interactions: DISCORD_PUBLIC_KEY is required.
	Serve Purpose = iota
	// Register registers the slash commands: DISCORD_APP_ID and
	// DISCORD_BOT_TOKEN are required.
	Register
)

// snowflakeRE matches Discord IDs: unsigned 64-bit integers in decimal.
var snowflakeRE = regexp.MustCompile(`^[0-9]{1,20}$`)

// Config is the complete runtime configuration.
type Config struct {
	PublicKey       ed25519.PublicKey // DISCORD_PUBLIC_KEY: verifies that requests come from Discord
	AppID           string            // DISCORD_APP_ID: the application ID, for registering commands
	BotToken        Secret            // DISCORD_BOT_TOKEN: authorises command registration
	GuildID         string            // DISCORD_GUILD_ID: register in this server only (instant, for testing)
	APIURL          string            // DISCORD_API_URL: Discord API base URL, for tests
	Host            string            // HOST: interface to listen on; empty means all
	Port            int               // PORT: TCP port; 0 picks a free one
	LogLevel        slog.Level        // LOG_LEVEL: debug, info, warn or error
	ShutdownTimeout time.Duration     // SHUTDOWN_TIMEOUT: how long in-flight requests may take to finish
	ShutdownDelay   time.Duration     // SHUTDOWN_DELAY: how long /readyz fails before the listener closes
	MaxBodyBytes    int64             // MAX_BODY_BYTES: largest accepted request body
}

// Addr is the listen address in host:port form.
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// Load builds a Config for purpose from getenv (os.Getenv in production).
func Load(getenv func(string) string, purpose Purpose) (Config, error) {
	l := &loader{getenv: getenv}
	cfg := Config{
		Host:            l.get("HOST"),
		Port:            l.port("PORT", DefaultPort),
		APIURL:          l.baseURL("DISCORD_API_URL", DefaultDiscordAPIURL),
		LogLevel:        l.logLevel(),
		ShutdownTimeout: l.duration("SHUTDOWN_TIMEOUT", DefaultShutdownTimeout, time.Millisecond, time.Hour),
		ShutdownDelay:   l.duration("SHUTDOWN_DELAY", DefaultShutdownDelay, 0, time.Hour),
		MaxBodyBytes:    l.integer("MAX_BODY_BYTES", DefaultMaxBodyBytes, 1, 1<<40, "must be a positive number of bytes"),
	}

	// The public key is not a secret, but a wrong one fails every request,
	// so it is checked here rather than on the first interaction.
	switch v := l.get("DISCORD_PUBLIC_KEY"); {
	case v == "" && purpose == Serve:
		l.problem("DISCORD_PUBLIC_KEY", "is required; copy it from the General Information page of your application (see README.md)")
	case v != "":
		key, err := hex.DecodeString(v)
		if err != nil || len(key) != ed25519.PublicKeySize {
			l.invalid("DISCORD_PUBLIC_KEY", v, "must be 64 hexadecimal characters")
		} else {
			cfg.PublicKey = ed25519.PublicKey(key)
		}
	}

	for _, id := range []struct {
		name     string
		dst      *string
		required bool
	}{
		{"DISCORD_APP_ID", &cfg.AppID, purpose == Register},
		{"DISCORD_GUILD_ID", &cfg.GuildID, false},
	} {
		switch v := l.get(id.name); {
		case v == "" && id.required:
			l.problem(id.name, "is required to register commands; copy it from the General Information page of your application")
		case v != "" && !snowflakeRE.MatchString(v):
			l.invalid(id.name, v, "must be a numeric Discord ID")
		default:
			*id.dst = v
		}
	}

	// The token is never quoted in errors: it would end up in logs.
	switch v := l.get("DISCORD_BOT_TOKEN"); {
	case v == "" && purpose == Register:
		l.problem("DISCORD_BOT_TOKEN", "is required to register commands; reset and copy it on the Bot page of your application")
	default:
		cfg.BotToken = Secret(v)
	}

	if err := l.err(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
