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
	"time"

	"{{module_path}}/internal/config"
	"{{module_path}}/internal/httpserver"
	"{{module_path}}/internal/logging"
{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
	"{{module_path}}/internal/server"
	"{{module_path}}/internal/store"
)

{{> go/cmd/main logger=true}}

// run is the whole program behind main, with its dependencies passed in so
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [-version]\n\nConfiguration is read from environment variables; see README.md.\n\nFlags:\n", name)
		flags.PrintDefaults()
	}
	showVersion := flags.Bool("version", false, "print version information and exit")
	if err := parseFlags(flags, args, false); err != nil {
		return err
	}
	if *showVersion {
		printVersion(stdout)
		return nil
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("invalid configuration:\n%w", err))
	}

	logger, closeLog := newLogger(stdout, cfg.LogLevel)
	defer closeLog()

	lifecycle := httpserver.New(httpserver.Options{
		Logger:            logger,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ShutdownTimeout:   cfg.ShutdownTimeout,
		ShutdownDelay:     cfg.ShutdownDelay,
	})
	opts := server.Options{
		Logger:       logger,
		Store:        store.NewInMemory(cfg.MaxItems),
		HTTP:         lifecycle,
		MaxBodyBytes: cfg.MaxBodyBytes,
	}
{{#if with_metrics}}
	opts.Metrics = metrics.New(metrics.BuildInfo{Version: version, Commit: commit, Date: date})
	opts.MetricsElsewhere = cfg.MetricsAddr() != ""
{{/if}}
{{#if with_auth}}
	opts.APIToken = cfg.APIToken.Value()
{{/if}}
	srv := server.New(opts)

	endpoints, err := listen(cfg, srv)
	if err == nil {
		err = lifecycle.Serve(ctx, endpoints...)
	}
	if err != nil {
		logger.Error("server failed", slog.String("error", err.Error()))
		return exitWith(exitFailed, nil)
	}
	return nil
}

// listen opens the API port{{#if with_metrics}} and, when METRICS_PORT is set, the metrics port{{/if}}.
func listen(cfg config.Config, srv *server.Server) ([]httpserver.Endpoint, error) {
	api, err := httpserver.Listen("api", cfg.Addr(), srv.Handler())
	if err != nil {
		return nil, err
	}
{{#if with_metrics}}
	if addr := cfg.MetricsAddr(); addr != "" {
		m, err := httpserver.Listen("metrics", addr, srv.MetricsHandler())
		if err != nil {
			_ = api.Listener.Close()
			return nil, err
		}
		return []httpserver.Endpoint{api, m}, nil
	}
{{/if}}
	return []httpserver.Endpoint{api}, nil
}
