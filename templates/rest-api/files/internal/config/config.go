// Package config reads the service configuration from environment variables.
//
// Every setting has a default, so the service starts with no environment at
// all; a value that is set but invalid is an error rather than silently
// replaced by the default, because a typo in production should fail loudly.
// Every problem is reported at once, so a broken deployment is fixed in one
// round.
package config

import (
	"log/slog"
	"net"
	"strconv"
	"time"
)

// Defaults, also documented in README.md and .env.example. Durations are
// kept in the same notation as the environment variables so the two read alike.
const (
	DefaultPort              = {{port}}
	DefaultShutdownTimeout   = "{{shutdown_timeout}}"
	DefaultShutdownDelay     = "0s"
	DefaultReadHeaderTimeout = "5s"
	DefaultReadTimeout       = "10s"
	DefaultWriteTimeout      = "10s"
	DefaultIdleTimeout       = "60s"
	DefaultMaxBodyBytes      = 1 << 20
	// DefaultMaxItems caps the in-memory store: at about 1 KiB per item at
	// the most, the cap keeps it far below the container's memory limit.
	DefaultMaxItems = {{max_items}}
)

// Config is the complete runtime configuration.
type Config struct {
	Host              string        // HOST: interface to listen on; empty means all
	Port              int           // PORT: TCP port; 0 picks a free one
{{#if with_metrics}}
	MetricsPort       int           // METRICS_PORT: serve /metrics on this port instead of PORT; -1 (unset) means on PORT
{{/if}}
	LogLevel          slog.Level    // LOG_LEVEL: debug, info, warn or error
	ShutdownTimeout   time.Duration // SHUTDOWN_TIMEOUT: how long in-flight requests may take to finish
	ShutdownDelay     time.Duration // SHUTDOWN_DELAY: how long /readyz fails before the listener closes
	ReadHeaderTimeout time.Duration // READ_HEADER_TIMEOUT
	ReadTimeout       time.Duration // READ_TIMEOUT
	WriteTimeout      time.Duration // WRITE_TIMEOUT
	IdleTimeout       time.Duration // IDLE_TIMEOUT
	MaxBodyBytes      int64         // MAX_BODY_BYTES: largest accepted request body
	MaxItems          int           // MAX_ITEMS: how many items the in-memory store holds at the most
{{#if with_auth}}
	APIToken          Secret        // API_TOKEN: the bearer token write requests must carry; required
{{/if}}
}

// Addr is the listen address in host:port form.
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}
{{#if with_metrics}}

// MetricsAddr is the listen address of the separate metrics port, or ""
// when /metrics is served on the API port.
func (c Config) MetricsAddr() string {
	if c.MetricsPort < 0 {
		return ""
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(c.MetricsPort))
}
{{/if}}

// maxDuration bounds every duration setting: anything longer is a typo.
const maxDuration = time.Hour

// Load builds a Config from getenv (os.Getenv in production).
func Load(getenv func(string) string) (Config, error) {
	l := &loader{getenv: getenv}
	cfg := Config{
		Host:              l.get("HOST"),
		Port:              l.port("PORT", DefaultPort),
		LogLevel:          l.logLevel(),
		ShutdownTimeout:   l.duration("SHUTDOWN_TIMEOUT", DefaultShutdownTimeout, time.Millisecond, maxDuration),
		ShutdownDelay:     l.duration("SHUTDOWN_DELAY", DefaultShutdownDelay, 0, maxDuration),
		ReadHeaderTimeout: l.duration("READ_HEADER_TIMEOUT", DefaultReadHeaderTimeout, time.Millisecond, maxDuration),
		ReadTimeout:       l.duration("READ_TIMEOUT", DefaultReadTimeout, time.Millisecond, maxDuration),
		WriteTimeout:      l.duration("WRITE_TIMEOUT", DefaultWriteTimeout, time.Millisecond, maxDuration),
		IdleTimeout:       l.duration("IDLE_TIMEOUT", DefaultIdleTimeout, time.Millisecond, maxDuration),
		MaxBodyBytes:      l.integer("MAX_BODY_BYTES", DefaultMaxBodyBytes, 1, 1<<40, "must be a positive number of bytes"),
		MaxItems:          int(l.integer("MAX_ITEMS", DefaultMaxItems, 1, 1<<40, "must be a positive number of items")),
	}
{{#if with_metrics}}
	cfg.MetricsPort = -1
	if l.get("METRICS_PORT") != "" {
		cfg.MetricsPort = l.port("METRICS_PORT", -1)
		if cfg.MetricsPort >= 0 && cfg.MetricsPort == cfg.Port && cfg.Port != 0 {
			l.invalid("METRICS_PORT", l.get("METRICS_PORT"), "must differ from PORT; leave it unset to serve /metrics on PORT")
		}
	}
{{/if}}
{{#if with_auth}}

	// The token is never quoted in errors: it would end up in logs.
	switch token := l.get("API_TOKEN"); {
	case token == "":
		l.problem("API_TOKEN", "is required; write requests must carry it as a bearer token (generate one with: openssl rand -hex 32)")
	case len(token) < 16:
		l.problem("API_TOKEN", "must be at least 16 characters; generate one with: openssl rand -hex 32")
	default:
		cfg.APIToken = Secret(token)
	}
{{/if}}

	if err := l.err(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
