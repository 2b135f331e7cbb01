// Command {{project_name}} checks that HTTP endpoints answer with the expected
// status code, for scripts, cron jobs, container probes and CI pipelines.
//
// Usage:
//
//	{{project_name}} [flags] URL...
//
// Run {{project_name}} -h for the flags and exit codes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"{{module_path}}/internal/check"
)

{{> go/cmd/main logger=false}}

// The exit codes in the words of this command; scripts and CI jobs branch
// on them.
const (
	exitHealthy   = exitOK
	exitUnhealthy = exitFailed
)

// Defaults chosen when the project was generated; flags override them per run.
const (
	defaultTimeout        = "{{timeout}}"
	defaultExpectedStatus = {{expected_status}}
	defaultRetries        = {{retries}}
	defaultConcurrency    = {{concurrency}}
)

// envURLs is read when no URL is given as an argument, which suits containers
// and CI jobs where the command line is fixed but the environment is not.
const envURLs = "CHECK_URL"

// The wait between retries; variables so tests can make it tiny.
var (
	baseBackoff = check.DefaultBaseBackoff
	maxBackoff  = check.DefaultMaxBackoff
)

// options are the parsed command line.
type options struct {
	timeout     time.Duration
	status      int
	retries     int
	concurrency int
	output      string
	version     bool
	urls        []string
}

// run is the whole command behind main, with its dependencies passed in so
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	opts, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return exitWith(exitUsage, fmt.Errorf("%w\nRun '%s -h' for usage.", err, name))
	}
	if opts.version {
		printVersion(stdout)
		return nil
	}
	if len(opts.urls) == 0 {
		opts.urls = splitList(getenv(envURLs))
	}
	if err := validate(opts); err != nil {
		return exitWith(exitUsage, fmt.Errorf("%w\nRun '%s -h' for usage.", err, name))
	}

	checker := check.New(check.Config{
		ExpectedStatus: opts.status,
		Timeout:        opts.timeout,
		Retries:        opts.retries,
		Concurrency:    opts.concurrency,
		BaseBackoff:    baseBackoff,
		MaxBackoff:     maxBackoff,
		UserAgent:      name + "/" + version,
	})
	report := check.NewReport(checker.CheckAll(ctx, opts.urls))
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "%s: interrupted, unfinished checks are reported as unhealthy\n", name)
	}

	write := check.WriteText
	if opts.output == "json" {
		write = check.WriteJSON
	}
	if err := write(stdout, report); err != nil {
		return exitWith(exitUnhealthy, fmt.Errorf("writing the report: %w", err))
	}
	if !report.Healthy {
		return exitWith(exitUnhealthy, nil)
	}
	return nil
}

// parseArgs parses flags and URLs. Flags may come before, between or after
// the URLs, so a flag can be appended to an existing command line.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&opts.timeout, "timeout", mustParseDuration(defaultTimeout), "time allowed for each request, such as 500ms, 5s or 1m")
	fs.IntVar(&opts.status, "status", defaultExpectedStatus, "HTTP status code a healthy endpoint answers with")
	fs.IntVar(&opts.retries, "retries", defaultRetries, "extra attempts after a failed check, with exponential backoff")
	fs.IntVar(&opts.concurrency, "concurrency", defaultConcurrency, "number of URLs checked at the same time")
	fs.StringVar(&opts.output, "output", "text", "output format: text or json")
	fs.BoolVar(&opts.version, "version", false, "print the version and exit")
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: %s [flags] URL...\n\n", name)
		fmt.Fprintf(out, "Checks that every URL answers a GET request with the expected HTTP status.\n")
		fmt.Fprintf(out, "Without URL arguments, the comma-separated list in %s is checked.\n\n", envURLs)
		fmt.Fprintf(out, "Flags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(out, "\nExit codes:\n")
		fmt.Fprintf(out, "  %d  every URL is healthy\n", exitHealthy)
		fmt.Fprintf(out, "  %d  at least one URL is unhealthy\n", exitUnhealthy)
		fmt.Fprintf(out, "  %d  usage error: no URL, an invalid URL, flag or output format\n", exitUsage)
	}

	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return opts, err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			return opts, nil
		}
		opts.urls = append(opts.urls, rest[0])
		rest = rest[1:]
	}
}

// validate checks the values flag parsing cannot, so a bad invocation fails
// before any request is sent.
func validate(opts options) error {
	switch {
	case opts.timeout <= 0:
		return fmt.Errorf("invalid -timeout %s: it must be positive", opts.timeout)
	case opts.status < 100 || opts.status > 599:
		return fmt.Errorf("invalid -status %d: use an HTTP status code from 100 to 599", opts.status)
	case opts.retries < 0:
		return fmt.Errorf("invalid -retries %d: it must be 0 or more", opts.retries)
	case opts.concurrency < 1:
		return fmt.Errorf("invalid -concurrency %d: it must be 1 or more", opts.concurrency)
	case opts.output != "text" && opts.output != "json":
		return fmt.Errorf("invalid -output %q: use text or json", opts.output)
	case len(opts.urls) == 0:
		return fmt.Errorf("no URL given: pass URLs as arguments or set %s", envURLs)
	}
	for _, u := range opts.urls {
		if err := check.ValidateURL(u); err != nil {
			return err
		}
	}
	return nil
}

// splitList splits a comma-separated list, dropping blanks so a trailing
// comma or spaces around items do no harm.
func splitList(s string) []string {
	var items []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// mustParseDuration parses a default fixed at generation time; a bad value is
// a programming error, caught by the tests.
func mustParseDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(fmt.Sprintf("invalid default duration %q: %v", s, err))
	}
	return d
}
