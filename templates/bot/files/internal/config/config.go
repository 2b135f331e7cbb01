// Package config reads the bot's configuration from environment variables.
//
// Optional settings have defaults; a value that is set but invalid is an
// error rather than silently replaced by the default, because a typo in
// production should fail loudly. Every problem is reported at once, so a
// broken deployment is fixed in one round.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// DefaultLogLevel is used when LOG_LEVEL is not set.
const DefaultLogLevel = slog.LevelInfo

// Secret holds a credential. It prints as "[redacted]" with fmt, in logs and
// in JSON, so it cannot leak by accident; Value returns the real thing.
type Secret string

const redacted = "[redacted]"

// Value returns the secret itself, for the one place that sends it.
func (s Secret) Value() string { return string(s) }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, used by %#v.
func (s Secret) GoString() string { return `"` + redacted + `"` }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler, used by encoding/json.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// loader reads variables and collects every problem it finds.
type loader struct {
	getenv func(string) string
	errs   []error
}

// get returns the trimmed value of name; empty means unset.
func (l *loader) get(name string) string {
	return strings.TrimSpace(l.getenv(name))
}

// invalid records a problem with a variable, quoting its value.
func (l *loader) invalid(name, value, why string) {
	l.errs = append(l.errs, fmt.Errorf("%s=%q: %s", name, value, why))
}

// problem records a problem with a variable without quoting its value, for
// secrets and for variables that are missing.
func (l *loader) problem(name, why string) {
	l.errs = append(l.errs, fmt.Errorf("%s: %s", name, why))
}

func (l *loader) err() error {
	return errors.Join(l.errs...)
}

// logLevel reads LOG_LEVEL.
func (l *loader) logLevel() slog.Level {
	v := l.get("LOG_LEVEL")
	switch strings.ToLower(v) {
	case "":
		return DefaultLogLevel
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	l.invalid("LOG_LEVEL", v, "must be one of debug, info, warn, error")
	return DefaultLogLevel
}

// duration reads name as a Go duration from lowest to highest, def when unset.
func (l *loader) duration(name, def string, lowest, highest time.Duration) time.Duration {
	v := l.get(name)
	if v == "" {
		v = def
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		l.invalid(name, v, "must be a duration such as 500ms, 10s or 1m")
	case d < lowest || d > highest:
		l.invalid(name, v, fmt.Sprintf("must be from %s to %s", lowest, highest))
	default:
		return d
	}
	d, _ = time.ParseDuration(def)
	return d
}

// baseURL reads name as an absolute http or https URL, def when unset, and
// returns it without a trailing slash so paths can be appended.
func (l *loader) baseURL(name, def string) string {
	v := l.get(name)
	if v == "" {
		return def
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		l.invalid(name, v, "must be an absolute http or https URL without query or fragment")
		return def
	}
	return strings.TrimRight(v, "/")
}
