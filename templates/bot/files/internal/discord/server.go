package discord

import (
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"time"

	"{{module_path}}/internal/commands"
	"{{module_path}}/internal/httpserver"
{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
	"{{module_path}}/internal/middleware"
)

// Options configures a Server.
type Options struct {
	Logger *slog.Logger
	Router *commands.Router
	// PublicKey verifies that requests come from Discord.
	PublicKey ed25519.PublicKey
	// HTTP is the server lifecycle; its readiness answers /readyz.
	HTTP *httpserver.Server
{{#if with_metrics}}
	// Metrics enables instrumentation and GET /metrics when set.
	Metrics *metrics.Registry
{{/if}}
	// MaxBodyBytes is the largest accepted request body; larger ones get 413.
	MaxBodyBytes int64
	// Now is the clock signed timestamps are checked against; time.Now
	// when nil.
	Now func() time.Time
}

// Server is the interactions endpoint with its health probes.
type Server struct {
	opts    Options
	logger  *slog.Logger
	mux     *httpserver.Mux
	handler http.Handler
{{#if with_metrics}}
	// commands counts slash commands by name and outcome.
	commands *metrics.CounterVec
{{/if}}
}

// NewServer returns a Server with every route registered. It does not
// listen; opts.HTTP serves it.
func NewServer(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HTTP == nil {
		opts.HTTP = httpserver.New(httpserver.Options{Logger: opts.Logger})
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 64 << 10
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, logger: opts.Logger}
{{#if with_metrics}}
	var instrument func(string, http.Handler) http.Handler
	if opts.Metrics != nil {
		instrument = opts.Metrics.Instrument
		s.commands = opts.Metrics.NewCounterVec("discord_commands_total",
			"Slash commands run, by command and outcome (ok, invalid, unknown, failed).", "command", "status")
	}
	s.mux = httpserver.NewMux(instrument)
{{else}}
	s.mux = httpserver.NewMux(nil)
{{/if}}
	s.mux.HandleFunc("POST /interactions", s.interactions)
	s.mux.HandleFunc("GET /healthz", opts.HTTP.Healthz)
	s.mux.HandleFunc("GET /readyz", opts.HTTP.Readyz)
{{#if with_metrics}}
	if opts.Metrics != nil {
		s.mux.Handle("GET /metrics", opts.Metrics)
	}
{{/if}}
	s.handler = middleware.Chain(s.mux,
		middleware.RequestID,           // first, so every log line and error carries the ID
		middleware.AccessLog(s.logger), // outside Recover, so panics are logged as the 500 they become
		middleware.Recover(s.logger),
	)
	return s
}

// Routes returns the registered patterns, such as "POST /interactions".
func (s *Server) Routes() []string {
	return s.mux.Routes()
}

// Handler returns the complete HTTP handler, middleware included.
func (s *Server) Handler() http.Handler {
	return s.handler
}
