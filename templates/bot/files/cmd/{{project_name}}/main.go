{{#if (eq platform "telegram")}}
// Command {{project_name}} is a Telegram bot: it long-polls the Bot API for
// messages and answers the commands among them.
//
// Configuration comes from environment variables (see README.md); the only
// flag is -version. The process exits 0 after a clean shutdown, 1 when the
// bot fails (Telegram rejects the token) and 2 on invalid flags or
// configuration.
{{else}}
// Command {{project_name}} is a Discord bot: it serves the HTTP interactions
// endpoint Discord sends slash commands to, and with -register it registers
// those commands with Discord.
//
// Configuration comes from environment variables (see README.md). The
// process exits 0 after a clean shutdown or a successful registration, 1
// when the server or the registration fails and 2 on invalid flags or
// configuration.
{{/if}}
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
{{#if (eq platform "discord")}}
	"net/http"
{{/if}}
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"{{module_path}}/internal/commands"
	"{{module_path}}/internal/config"
{{#if (eq platform "discord")}}
	"{{module_path}}/internal/discord"
{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
{{/if}}
	"{{module_path}}/internal/quotes"
{{#if (eq platform "telegram")}}
	"{{module_path}}/internal/telegram"
{{/if}}
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

const name = "{{project_name}}"

// Exit codes, documented in README.md.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	// The first SIGINT or SIGTERM starts a graceful shutdown; once the
	// context is done, stop restores the default behaviour so a second
	// signal kills the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is the whole program behind main, with its dependencies passed in so
// tests can drive it. It returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
{{#if (eq platform "telegram")}}
		fmt.Fprintf(stderr, "Usage: %s [-version]\n\nConfiguration is read from environment variables; see README.md.\n\nFlags:\n", name)
{{else}}
		fmt.Fprintf(stderr, "Usage: %s [-register | -version]\n\nConfiguration is read from environment variables; see README.md.\n\nFlags:\n", name)
{{/if}}
		flags.PrintDefaults()
	}
	showVersion := flags.Bool("version", false, "print version information and exit")
{{#if (eq platform "discord")}}
	register := flags.Bool("register", false, "register the slash commands with Discord and exit")
{{/if}}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n", name, flags.Args())
		flags.Usage()
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintf(stdout, "%s %s (commit %s, built %s, %s)\n", name, version, commit, date, runtime.Version())
		return exitOK
	}

{{#if (eq platform "telegram")}}
	cfg, err := config.Load(getenv)
{{else}}
	purpose := config.Serve
	if *register {
		purpose = config.Register
	}
	cfg, err := config.Load(getenv, purpose)
{{/if}}
	if err != nil {
		fmt.Fprintf(stderr, "%s: invalid configuration:\n%v\n", name, err)
		return exitUsage
	}

	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	logger.Info("starting",
		slog.String("version", version),
		slog.String("commit", commit),
		slog.String("date", date),
		slog.String("go", runtime.Version()))

	started := time.Now()
	router := commands.New(commands.Options{
		Name:    name,
		Build:   commands.BuildInfo{Version: version, Commit: commit, Date: date},
		Quotes:  quotes.NewMemory(quotes.Sample(started)...),
		Started: started,
	})

{{#if (eq platform "telegram")}}
	bot := telegram.New(telegram.Options{
		Client: telegram.NewClient(cfg.APIURL, cfg.Token.Value(), cfg.PollTimeout),
		Router: router,
		Logger: logger,
	})
	if err := bot.Run(ctx); err != nil {
		logger.Error("bot failed", slog.String("error", err.Error()))
		return exitFailed
	}
	logger.Info("stopped")
	return exitOK
{{else}}
	if *register {
		return registerCommands(ctx, logger, cfg, router)
	}

	srv := discord.NewServer(discord.Options{
		Logger:          logger,
		Router:          router,
		PublicKey:       cfg.PublicKey,
{{#if with_metrics}}
		Metrics:         metrics.New(metrics.BuildInfo{Version: version, Commit: commit, Date: date}),
{{/if}}
		MaxBodyBytes:    cfg.MaxBodyBytes,
		ShutdownTimeout: cfg.ShutdownTimeout,
	})
	if err := srv.ListenAndServe(ctx, cfg.Addr()); err != nil {
		logger.Error("server failed", slog.String("error", err.Error()))
		return exitFailed
	}
	return exitOK
{{/if}}
}
{{#if (eq platform "discord")}}

// registerCommands is the -register mode: it replaces the slash commands
// registered with Discord with the router's.
func registerCommands(ctx context.Context, logger *slog.Logger, cfg config.Config, router *commands.Router) int {
	reg := discord.Registrar{
		BaseURL:   cfg.APIURL,
		AppID:     cfg.AppID,
		GuildID:   cfg.GuildID,
		Token:     cfg.BotToken.Value(),
		UserAgent: fmt.Sprintf("DiscordBot (https://{{module_path}}, %s)", version),
		HTTP:      &http.Client{Timeout: 30 * time.Second},
	}
	registered, err := reg.Register(ctx, router.Commands())
	if err != nil {
		logger.Error("registering commands failed", slog.String("error", err.Error()))
		return exitFailed
	}
	names := make([]string, 0, len(registered))
	for _, c := range registered {
		names = append(names, c.Name)
	}
	scope := "global"
	if cfg.GuildID != "" {
		scope = "guild " + cfg.GuildID
	}
	logger.Info("registered commands", slog.String("scope", scope), slog.Any("commands", names))
	return exitOK
}
{{/if}}
