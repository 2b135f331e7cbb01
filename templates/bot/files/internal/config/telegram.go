package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Defaults, also documented in README.md and .env.example.
const (
	DefaultTelegramAPIURL = "https://api.telegram.org"
	DefaultPollTimeout    = "30s"
	// DefaultConcurrency is how many chats are answered at the same time.
	DefaultConcurrency = 8
	// DefaultHeartbeatName is the heartbeat file's name in the temporary
	// directory when HEARTBEAT_FILE is not set.
	DefaultHeartbeatName = "{{project_name}}.heartbeat"
)

// The poll timeout is sent to Telegram in whole seconds. Proxies and load
// balancers tend to cut connections idle for more than a few minutes.
const (
	minPollTimeout = time.Second
	maxPollTimeout = 5 * time.Minute
)

// tokenRE is the shape of the tokens BotFather issues: the bot's numeric ID,
// a colon and a secret of URL-safe characters.
var tokenRE = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// Config is the complete runtime configuration.
type Config struct {
	Token       Secret        // TELEGRAM_BOT_TOKEN: from BotFather; required
	APIURL      string        // TELEGRAM_API_URL: Bot API base URL, for a local Bot API server or tests
	PollTimeout time.Duration // TELEGRAM_POLL_TIMEOUT: how long one getUpdates call waits for news
	Concurrency int           // TELEGRAM_CONCURRENCY: how many chats are answered at the same time
	LogLevel    slog.Level    // LOG_LEVEL: debug, info, warn or error
	// HEARTBEAT_FILE: where the bot records its progress for -healthcheck
	HeartbeatFile string
}

// HeartbeatFile returns the heartbeat file's path: HEARTBEAT_FILE, or
// DefaultHeartbeatName in the temporary directory ($TMPDIR, /tmp when it is
// not set, as in the container). The bot writes the file and -healthcheck
// reads it, so the probe must run with the bot's environment, as a
// Kubernetes exec probe does.
func HeartbeatFile(getenv func(string) string) string {
	if v := strings.TrimSpace(getenv("HEARTBEAT_FILE")); v != "" {
		return v
	}
	return filepath.Join(os.TempDir(), DefaultHeartbeatName)
}

// Load builds a Config from getenv (os.Getenv in production).
func Load(getenv func(string) string) (Config, error) {
	l := &loader{getenv: getenv}
	cfg := Config{
		APIURL:      l.baseURL("TELEGRAM_API_URL", DefaultTelegramAPIURL),
		PollTimeout: l.duration("TELEGRAM_POLL_TIMEOUT", DefaultPollTimeout, minPollTimeout, maxPollTimeout),
		LogLevel:    l.logLevel(),
		Concurrency: int(l.integer("TELEGRAM_CONCURRENCY", DefaultConcurrency, 1, 1000, "must be a whole number from 1 to 1000")),

		HeartbeatFile: HeartbeatFile(getenv),
	}
	if cfg.PollTimeout%time.Second != 0 {
		l.invalid("TELEGRAM_POLL_TIMEOUT", l.get("TELEGRAM_POLL_TIMEOUT"), "must be a whole number of seconds")
	}
	// A relative path would depend on the working directory, which the
	// probe need not share with the bot.
	if !filepath.IsAbs(cfg.HeartbeatFile) {
		l.invalid("HEARTBEAT_FILE", cfg.HeartbeatFile, "must be an absolute path")
	}

	// The token is never quoted in errors: it would end up in logs.
	switch token := l.get("TELEGRAM_BOT_TOKEN"); {
	case token == "":
		l.problem("TELEGRAM_BOT_TOKEN", "is required; BotFather gives it when you create the bot (see README.md)")
	case !tokenRE.MatchString(token):
		l.problem("TELEGRAM_BOT_TOKEN", "does not look like a bot token (digits, a colon, then letters, digits, _ or -)")
	default:
		cfg.Token = Secret(token)
	}

	if err := l.err(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
