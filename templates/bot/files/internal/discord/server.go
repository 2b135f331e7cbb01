package discord

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"{{module_path}}/internal/commands"
{{#if with_metrics}}
	"{{module_path}}/internal/metrics"
{{/if}}
)

// Server timeouts. Discord's requests are small and its deadline is three
// seconds, so anything slower than this is not Discord.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 10 * time.Second
	idleTimeout       = 60 * time.Second
)

// Options configures a Server.
type Options struct {
	Logger *slog.Logger
	Router *commands.Router
	// PublicKey verifies that requests come from Discord.
	PublicKey ed25519.PublicKey
{{#if with_metrics}}
	// Metrics enables instrumentation and GET /metrics when set.
	Metrics *metrics.Registry
{{/if}}
	// MaxBodyBytes is the largest accepted request body; larger ones get 413.
	MaxBodyBytes int64
	// ShutdownTimeout bounds how long in-flight requests may run after a
	// shutdown signal before their connections are closed.
	ShutdownTimeout time.Duration
}

// Server is the interactions endpoint with its health probes.
type Server struct {
	opts    Options
	logger  *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	routes  []string
	ready   atomic.Bool
}

// NewServer returns a Server with every route registered. It does not
// listen yet.
func NewServer(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 64 << 10
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	s := &Server{opts: opts, logger: opts.Logger, mux: http.NewServeMux()}
	s.handle("POST /interactions", s.interactions)
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /readyz", s.readyz)
{{#if with_metrics}}
	if opts.Metrics != nil {
		s.handle("GET /metrics", opts.Metrics.ServeHTTP)
	}
{{/if}}
	// Panics are recovered inside the access log, so they are logged as
	// the 500 they turn into.
	s.handler = s.accessLog(s.recover(s.mux))
	return s
}

func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	s.routes = append(s.routes, pattern)
}

// Routes returns the registered patterns, such as "POST /interactions".
func (s *Server) Routes() []string {
	return append([]string(nil), s.routes...)
}

// Handler returns the complete HTTP handler, middleware included.
func (s *Server) Handler() http.Handler {
	return s.handler
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.ready.Load() {
		writeError(w, http.StatusServiceUnavailable, "not accepting traffic (starting or shutting down)")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// accessLog logs one line per request once it has been answered. Probes
// and scrapes are logged at debug level: at info they would drown the
// interesting lines, arriving every few seconds from the orchestrator.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		// ServeMux records the matched pattern, such as "POST /interactions",
		// on the request it was given; its path part names the route.
		// Requests that match no route share one name, so the set of route
		// names stays small whatever paths scanners probe.
		route := "unmatched"
		if _, path, ok := strings.Cut(r.Pattern, " "); ok {
			route = path
		}
		elapsed := time.Since(start)
{{#if with_metrics}}
		if s.opts.Metrics != nil {
			s.opts.Metrics.ObserveRequest(r.Method, route, status, elapsed)
		}
{{/if}}

		level := slog.LevelInfo
		switch {
		case status >= http.StatusInternalServerError:
			level = slog.LevelError
		case r.Method == http.MethodGet:
			level = slog.LevelDebug
		}
		s.logger.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote_addr", r.RemoteAddr),
		)
	})
}

// recover turns a panic in a handler into a 500 and an error log line with
// the stack, instead of a dropped connection.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.logger.Error("panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			writeError(w, http.StatusInternalServerError, "internal error")
		}()
		next.ServeHTTP(w, r)
	})
}

// ListenAndServe listens on addr and serves until ctx is cancelled, then
// shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve answers requests on ln until ctx is cancelled. It then marks the
// server not ready, stops accepting connections and gives in-flight
// requests up to ShutdownTimeout to finish. It returns nil after a clean
// shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
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
	s.logger.Info("shutting down", slog.String("timeout", s.opts.ShutdownTimeout.String()))
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		// Requests still running past the deadline are cut off.
		_ = hs.Close()
		return fmt.Errorf("graceful shutdown did not finish within %s: %w", s.opts.ShutdownTimeout, err)
	}
	s.logger.Info("stopped")
	return nil
}
