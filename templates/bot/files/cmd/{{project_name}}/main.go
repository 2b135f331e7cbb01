{{#if (eq platform "telegram")}}
// Command {{project_name}} is a Telegram bot: it long-polls the Bot API for
// messages and answers the commands among them.
//
// Configuration comes from environment variables (see README.md). The
// flags are -version and -healthcheck, which checks the heartbeat of the
// bot running beside it (the container's liveness probe). The process exits
// 0 after a clean shutdown or a passed health check, 1 when the bot fails
// (Telegram rejects the token) or the health check does not pass, and 2 on
// invalid flags or configuration.
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
	"{{module_path}}/internal/httpserver"
{{/if}}
	"{{module_path}}/internal/logging"
{{#if (and (eq platform "discord") with_metrics)}}
	"{{module_path}}/internal/metrics"
{{/if}}
	"{{module_path}}/internal/quotes"
{{#if (eq platform "telegram")}}
	"{{module_path}}/internal/telegram"
{{/if}}
)

{{> go/cmd/main logger=true}}

// run is the whole program behind main, with its dependencies passed in so
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
{{#if (eq platform "telegram")}}
		fmt.Fprintf(stderr, "Usage: %s [-healthcheck | -version]\n\nConfiguration is read from environment variables; see README.md.\n\nFlags:\n", name)
{{else}}
		fmt.Fprintf(stderr, "Usage: %s [-register | -version]\n\nConfiguration is read from environment variables; see README.md.\n\nFlags:\n", name)
{{/if}}
		flags.PrintDefaults()
	}
	showVersion := flags.Bool("version", false, "print version information and exit")
{{#if (eq platform "discord")}}
	register := flags.Bool("register", false, "register the slash commands with Discord and exit")
{{else}}
	healthcheck := flags.Bool("healthcheck", false, "exit 0 if the bot running with this environment made progress recently, 1 if not")
{{/if}}
	if err := parseFlags(flags, args, false); err != nil {
		return err
	}
	if *showVersion {
		printVersion(stdout)
		return nil
	}
{{#if (eq platform "telegram")}}
	if *healthcheck {
		// Only the heartbeat file is read: no other configuration, no
		// network, so the probe is quick and cannot hang.
		if err := telegram.CheckHeartbeat(config.HeartbeatFile(getenv), time.Now()); err != nil {
			return exitWith(exitFailed, err)
		}
		return nil
	}
{{/if}}

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
		return exitWith(exitUsage, fmt.Errorf("invalid configuration:\n%w", err))
	}

	logger, closeLog := newLogger(stdout, cfg.LogLevel)
	defer closeLog()

	started := time.Now()
	router := commands.New(commands.Options{
		Name:    name,
		Build:   commands.BuildInfo{Version: version, Commit: commit, Date: date},
		Quotes:  quotes.NewMemory(quotes.Sample(started)...),
		Started: started,
	})

{{#if (eq platform "telegram")}}
	bot := telegram.New(telegram.Options{
		Client:      telegram.NewClient(cfg.APIURL, cfg.Token.Value(), cfg.PollTimeout),
		Router:      router,
		Logger:      logger,
		Concurrency: cfg.Concurrency,
		Heartbeat:   telegram.NewHeartbeat(cfg.HeartbeatFile),
	})
	if err := bot.Run(ctx); err != nil {
		logger.Error("bot failed", slog.String("error", err.Error()))
		return exitWith(exitFailed, nil)
	}
	logger.Info("stopped")
	return nil
{{else}}
	if *register {
		return registerCommands(ctx, logger, cfg, router)
	}

	// Discord's requests are small and its deadline is three seconds, so
	// the default request timeouts are generous.
	lifecycle := httpserver.New(httpserver.Options{
		Logger:          logger,
		ShutdownTimeout: cfg.ShutdownTimeout,
		ShutdownDelay:   cfg.ShutdownDelay,
	})
	opts := discord.Options{
		Logger:       logger,
		Router:       router,
		PublicKey:    cfg.PublicKey,
		HTTP:         lifecycle,
		MaxBodyBytes: cfg.MaxBodyBytes,
	}
{{#if with_metrics}}
	opts.Metrics = metrics.New(metrics.BuildInfo{Version: version, Commit: commit, Date: date})
{{/if}}
	srv := discord.NewServer(opts)
	if err := lifecycle.ListenAndServe(ctx, cfg.Addr(), srv.Handler()); err != nil {
		logger.Error("server failed", slog.String("error", err.Error()))
		return exitWith(exitFailed, nil)
	}
	return nil
{{/if}}
}
{{#if (eq platform "discord")}}

// registerCommands is the -register mode: it replaces the slash commands
// registered with Discord with the router's.
func registerCommands(ctx context.Context, logger *slog.Logger, cfg config.Config, router *commands.Router) error {
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
		return exitWith(exitFailed, nil)
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
	return nil
}
{{/if}}
