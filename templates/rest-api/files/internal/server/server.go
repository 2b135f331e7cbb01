// Package server wires routes, middleware and the HTTP server lifecycle:
// readiness, graceful shutdown and the JSON API handlers.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
{{#if with_metrics}}
	"strings"
{{/if}}
	"sync/atomic"
	"time"

{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
	"{{module_path}}/internal/middleware"
	"{{module_path}}/internal/problem"
	"{{module_path}}/internal/store"
)

// Options configures a Server. Zero durations and sizes fall back to the
// documented defaults of the config package.
type Options struct {
	Logger *slog.Logger
	Store  store.{{pascal_case resource}}Store
{{#if with_metrics}}
	// Metrics enables request instrumentation and GET /metrics when set.
	Metrics *metrics.Registry
{{/if}}

	MaxBodyBytes      int64
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownTimeout bounds how long in-flight requests may run after a
	// shutdown signal before their connections are closed.
	ShutdownTimeout time.Duration
	// ShutdownDelay keeps serving, with /readyz failing, for this long after
	// the signal so load balancers stop sending traffic before the listener
	// closes.
	ShutdownDelay time.Duration
}

// Server is the HTTP API.
type Server struct {
	opts     Options
	logger   *slog.Logger
	store    store.{{pascal_case resource}}Store
	mux      *http.ServeMux
	handler  http.Handler
	fallback http.Handler
	routes   []string
	ready    atomic.Bool

	// sleep waits out ShutdownDelay; tests replace it to observe that window.
	sleep func(time.Duration)
}

// New returns a Server with every route registered. It does not listen yet.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Store == nil {
		opts.Store = store.NewInMemory()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	s := &Server{
		opts:   opts,
		logger: opts.Logger,
		store:  opts.Store,
		mux:    http.NewServeMux(),
		sleep:  time.Sleep,
	}
	s.registerRoutes()
	s.fallback = http.HandlerFunc(s.unmatched)
{{#if with_metrics}}
	if opts.Metrics != nil {
		s.fallback = opts.Metrics.Instrument(metrics.UnmatchedRoute, s.fallback)
	}
{{/if}}
	s.handler = middleware.Chain(http.HandlerFunc(s.dispatch),
		middleware.RequestID,           // first, so every log line and error carries the ID
		middleware.AccessLog(s.logger), // outside Recover, so panics are logged as the 500 they become
		middleware.Recover(s.logger),
	)
	return s
}

// registerRoutes is the single list of endpoints. api/openapi.yaml documents
// exactly these; a test keeps the two in step.
func (s *Server) registerRoutes() {
	s.handle("GET /healthz", http.HandlerFunc(s.healthz))
	s.handle("GET /readyz", http.HandlerFunc(s.readyz))
{{#if with_metrics}}
	if s.opts.Metrics != nil {
		s.handle("GET /metrics", s.opts.Metrics)
	}
{{/if}}
	s.handle("GET /{{plural resource}}", http.HandlerFunc(s.listItems))
	s.handle("POST /{{plural resource}}", http.HandlerFunc(s.createItem))
	s.handle("GET /{{plural resource}}/{id}", http.HandlerFunc(s.getItem))
	s.handle("PUT /{{plural resource}}/{id}", http.HandlerFunc(s.replaceItem))
	s.handle("DELETE /{{plural resource}}/{id}", http.HandlerFunc(s.deleteItem))
}

// handle registers h for pattern ("METHOD /path") and remembers the route.
func (s *Server) handle(pattern string, h http.Handler) {
{{#if with_metrics}}
	if s.opts.Metrics != nil {
		// The route pattern, not the raw path, is the label: one series per
		// endpoint however many IDs clients ask for.
		_, path, _ := strings.Cut(pattern, " ")
		h = s.opts.Metrics.Instrument(path, h)
	}
{{/if}}
	s.mux.Handle(pattern, h)
	s.routes = append(s.routes, pattern)
}

// Routes returns the registered patterns, such as "GET /{{plural resource}}/{id}".
func (s *Server) Routes() []string {
	return append([]string(nil), s.routes...)
}

// Handler returns the complete HTTP handler, middleware included.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// dispatch sends requests that match no route to s.fallback, so that they
// are answered in problem+json like every other error.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.fallback.ServeHTTP(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// unmatched lets the mux decide between 404 and 405 (it computes the Allow
// header too) and rewrites its plain-text answer as a problem.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request) {
	h, _ := s.mux.Handler(r)
	rec := &statusRecorder{header: make(http.Header)}
	h.ServeHTTP(rec, r)

	detail := fmt.Sprintf("no endpoint at %s", r.URL.Path)
	if allow := rec.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
		detail = fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, allow)
	}
	problem.Write(w, r, problem.New(rec.status, detail))
}

// statusRecorder captures the status and headers of a response and drops the body.
type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(status int)      { r.status = status }

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, status{Status: "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		problem.Write(w, r, problem.New(http.StatusServiceUnavailable, "the server is not accepting traffic (starting or shutting down)"))
		return
	}
	writeJSON(w, http.StatusOK, status{Status: "ready"})
}

type status struct {
	Status string `json:"status"`
}

// ListenAndServe listens on addr and serves until ctx is cancelled, then shuts
// down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve answers requests on ln until ctx is cancelled. It then marks the
// server not ready, waits ShutdownDelay, stops accepting connections and
// gives in-flight requests up to ShutdownTimeout to finish. It returns nil
// after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.ready.Store(true)
	s.logger.Info("listening", slog.String("addr", ln.Addr().String()))

	select {
	case err := <-errc:
		// Serve only returns early on a listener failure.
		s.ready.Store(false)
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	s.ready.Store(false)
	s.logger.Info("shutting down",
		slog.String("delay", s.opts.ShutdownDelay.String()),
		slog.String("timeout", s.opts.ShutdownTimeout.String()))
	if s.opts.ShutdownDelay > 0 {
		s.sleep(s.opts.ShutdownDelay)
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		// Requests still running past the deadline are cut off.
		_ = hs.Close()
		return fmt.Errorf("graceful shutdown did not finish within %s: %w", s.opts.ShutdownTimeout, err)
	}
	s.logger.Info("stopped")
	return nil
}
