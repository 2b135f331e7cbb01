// Command {{project_name}} serves the {{project_name}} REST API.
//
// Configuration comes from environment variables (see README.md); the only
// flag is -version. The process exits 0 after a clean shutdown, 1 when the
// server fails and 2 on invalid flags or configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"{{module_path}}/internal/config"
{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
	"{{module_path}}/internal/server"
	"{{module_path}}/internal/store"
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
		fmt.Fprintf(stderr, "Usage: %s [-version]\n\nConfiguration is read from environment variables; see README.md.\n\nFlags:\n", name)
		flags.PrintDefaults()
	}
	showVersion := flags.Bool("version", false, "print version information and exit")
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

	cfg, err := config.Load(getenv)
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

	srv := server.New(server.Options{
		Logger:            logger,
		Store:             store.NewInMemory(),
{{#if with_metrics}}
		Metrics:           metrics.New(metrics.BuildInfo{Version: version, Commit: commit, Date: date}),
{{/if}}
		MaxBodyBytes:      cfg.MaxBodyBytes,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ShutdownTimeout:   cfg.ShutdownTimeout,
		ShutdownDelay:     cfg.ShutdownDelay,
	})
	if err := srv.ListenAndServe(ctx, cfg.Addr()); err != nil {
		logger.Error("server failed", slog.String("error", err.Error()))
		return exitFailed
	}
	return exitOK
}
