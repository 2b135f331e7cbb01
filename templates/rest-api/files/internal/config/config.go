// Package config reads the service configuration from environment variables.
//
// Every setting has a default, so the service starts with no environment at
// all; a value that is set but invalid is an error rather than silently
// replaced by the default, because a typo in production should fail loudly.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Defaults, also documented in README.md and .env.example. Durations are
// kept in the same notation as the environment variables so the two read alike.
const (
	DefaultPort              = {{port}}
	DefaultLogLevel          = slog.LevelInfo
	DefaultShutdownTimeout   = "{{shutdown_timeout}}"
	DefaultShutdownDelay     = "0s"
	DefaultReadHeaderTimeout = "5s"
	DefaultReadTimeout       = "10s"
	DefaultWriteTimeout      = "10s"
	DefaultIdleTimeout       = "60s"
	DefaultMaxBodyBytes      = 1 << 20
)

// Config is the complete runtime configuration.
type Config struct {
	Host              string        // HOST: interface to listen on; empty means all
	Port              int           // PORT: TCP port; 0 picks a free one
	LogLevel          slog.Level    // LOG_LEVEL: debug, info, warn or error
	ShutdownTimeout   time.Duration // SHUTDOWN_TIMEOUT: how long in-flight requests may take to finish
	ShutdownDelay     time.Duration // SHUTDOWN_DELAY: how long /readyz fails before the listener closes
	ReadHeaderTimeout time.Duration // READ_HEADER_TIMEOUT
	ReadTimeout       time.Duration // READ_TIMEOUT
	WriteTimeout      time.Duration // WRITE_TIMEOUT
	IdleTimeout       time.Duration // IDLE_TIMEOUT
	MaxBodyBytes      int64         // MAX_BODY_BYTES: largest accepted request body
}

// Addr is the listen address in host:port form.
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// Load builds a Config from getenv (os.Getenv in production). It reports every
// invalid variable at once, so a broken deployment is fixed in one round.
func Load(getenv func(string) string) (Config, error) {
	cfg := Config{
		Host:         strings.TrimSpace(getenv("HOST")),
		Port:         DefaultPort,
		LogLevel:     DefaultLogLevel,
		MaxBodyBytes: DefaultMaxBodyBytes,
	}
	var errs []error
	lookup := func(name string) (string, bool) {
		v := strings.TrimSpace(getenv(name))
		return v, v != ""
	}

	if v, ok := lookup("PORT"); ok {
		port, err := strconv.Atoi(v)
		if err != nil || port < 0 || port > 65535 {
			errs = append(errs, fmt.Errorf("PORT=%q: must be an integer from 0 to 65535", v))
		} else {
			cfg.Port = port
		}
	}
	if v, ok := lookup("LOG_LEVEL"); ok {
		switch strings.ToLower(v) {
		case "debug":
			cfg.LogLevel = slog.LevelDebug
		case "info":
			cfg.LogLevel = slog.LevelInfo
		case "warn", "warning":
			cfg.LogLevel = slog.LevelWarn
		case "error":
			cfg.LogLevel = slog.LevelError
		default:
			errs = append(errs, fmt.Errorf("LOG_LEVEL=%q: must be one of debug, info, warn, error", v))
		}
	}

	durations := []struct {
		name      string
		dst       *time.Duration
		def       string
		allowZero bool
	}{
		{"SHUTDOWN_TIMEOUT", &cfg.ShutdownTimeout, DefaultShutdownTimeout, false},
		{"SHUTDOWN_DELAY", &cfg.ShutdownDelay, DefaultShutdownDelay, true},
		{"READ_HEADER_TIMEOUT", &cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout, false},
		{"READ_TIMEOUT", &cfg.ReadTimeout, DefaultReadTimeout, false},
		{"WRITE_TIMEOUT", &cfg.WriteTimeout, DefaultWriteTimeout, false},
		{"IDLE_TIMEOUT", &cfg.IdleTimeout, DefaultIdleTimeout, false},
	}
	for _, d := range durations {
		v, ok := lookup(d.name)
		if !ok {
			v = d.def
		}
		parsed, err := time.ParseDuration(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s=%q: must be a duration such as 500ms, 10s or 1m", d.name, v))
		case parsed < 0 || (parsed == 0 && !d.allowZero):
			errs = append(errs, fmt.Errorf("%s=%q: must be greater than zero", d.name, v))
		default:
			*d.dst = parsed
		}
	}

	if v, ok := lookup("MAX_BODY_BYTES"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("MAX_BODY_BYTES=%q: must be a positive number of bytes", v))
		} else {
			cfg.MaxBodyBytes = n
		}
	}

	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
