// Package server wires the routes, the middleware and the JSON API handlers;
// internal/httpserver runs them.
package server

import (
	"log/slog"
	"net/http"

{{#if with_auth}}
	"{{module_path}}/internal/auth"
{{/if}}
	"{{module_path}}/internal/httpserver"
{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
	"{{module_path}}/internal/middleware"
	"{{module_path}}/internal/store"
)

// Options configures a Server.
type Options struct {
	Logger *slog.Logger
	Store  store.{{pascal_case resource}}Store
	// HTTP is the server lifecycle; its readiness answers /readyz.
	HTTP *httpserver.Server
{{#if with_metrics}}
	// Metrics enables request instrumentation and GET /metrics when set.
	Metrics *metrics.Registry
	// MetricsElsewhere leaves GET /metrics off this handler, for a
	// separate metrics port (see MetricsHandler).
	MetricsElsewhere bool
{{/if}}
{{#if with_auth}}
	// APIToken is the bearer token POST, PUT and DELETE require.
	APIToken string
{{/if}}
	// MaxBodyBytes is the largest accepted request body; larger ones get 413.
	MaxBodyBytes int64
}

// Server is the HTTP API.
type Server struct {
	opts    Options
	logger  *slog.Logger
	store   store.{{pascal_case resource}}Store
	mux     *httpserver.Mux
	handler http.Handler
}

// New returns a Server with every route registered. It does not listen.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Store == nil {
		opts.Store = store.NewInMemory(0)
	}
	if opts.HTTP == nil {
		opts.HTTP = httpserver.New(httpserver.Options{Logger: opts.Logger})
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	s := &Server{opts: opts, logger: opts.Logger, store: opts.Store}
{{#if with_metrics}}
	var instrument func(string, http.Handler) http.Handler
	if opts.Metrics != nil {
		// The route pattern, not the raw path, is the label: one series per
		// endpoint however many IDs clients ask for.
		instrument = opts.Metrics.Instrument
	}
	s.mux = httpserver.NewMux(instrument)
{{else}}
	s.mux = httpserver.NewMux(nil)
{{/if}}
	s.registerRoutes()
	s.handler = middleware.Chain(s.mux,
		middleware.RequestID,           // first, so every log line and error carries the ID
		middleware.AccessLog(s.logger), // outside Recover, so panics are logged as the 500 they become
		middleware.Recover(s.logger),
	)
	return s
}

// registerRoutes is the single list of endpoints. api/openapi.yaml documents
// exactly these; a test keeps the two in step.
func (s *Server) registerRoutes() {
	s.mux.HandleFunc("GET /healthz", s.opts.HTTP.Healthz)
	s.mux.HandleFunc("GET /readyz", s.opts.HTTP.Readyz)
{{#if with_metrics}}
	if s.opts.Metrics != nil && !s.opts.MetricsElsewhere {
		s.mux.Handle("GET /metrics", s.opts.Metrics)
	}
{{/if}}
{{#if with_auth}}
	// Reads stay open; every change needs the token.
	write := auth.Bearer(s.opts.APIToken)
{{else}}
	write := func(h http.Handler) http.Handler { return h }
{{/if}}
	s.mux.HandleFunc("GET /{{plural resource}}", s.listItems)
	s.mux.Handle("POST /{{plural resource}}", write(http.HandlerFunc(s.createItem)))
	s.mux.HandleFunc("GET /{{plural resource}}/{id}", s.getItem)
	s.mux.Handle("PUT /{{plural resource}}/{id}", write(http.HandlerFunc(s.replaceItem)))
	s.mux.Handle("DELETE /{{plural resource}}/{id}", write(http.HandlerFunc(s.deleteItem)))
}

// Routes returns the registered patterns, such as "GET /{{plural resource}}/{id}".
func (s *Server) Routes() []string {
	return s.mux.Routes()
}

// Handler returns the complete HTTP handler, middleware included.
func (s *Server) Handler() http.Handler {
	return s.handler
}
{{#if with_metrics}}

// MetricsHandler serves GET /metrics alone, with the probes, for a separate
// metrics port that stays off the public API.
func (s *Server) MetricsHandler() http.Handler {
	mux := httpserver.NewMux(nil)
	mux.Handle("GET /metrics", s.opts.Metrics)
	mux.HandleFunc("GET /healthz", s.opts.HTTP.Healthz)
	mux.HandleFunc("GET /readyz", s.opts.HTTP.Readyz)
	return middleware.Chain(mux, middleware.Recover(s.logger))
}
{{/if}}
