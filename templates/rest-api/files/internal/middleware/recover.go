package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"{{module_path}}/internal/problem"
)

// Recover turns a panicking handler into a logged error and a 500 problem
// response instead of a dropped connection, and keeps the stack trace in the
// log where it can be investigated.
func Recover(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rw := NewResponseWriter(w)
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					// net/http uses this panic to abort a response on purpose.
					panic(p)
				}
				logger.ErrorContext(r.Context(), "panic while serving request",
					slog.String("panic", fmt.Sprint(p)),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("request_id", RequestIDFromContext(r.Context())),
					slog.String("stack", string(debug.Stack())),
				)
				if rw.Status() == 0 {
					problem.Write(rw, r, problem.New(http.StatusInternalServerError, "the server hit an unexpected error"))
				}
			}()
			next.ServeHTTP(rw, r)
		})
	}
}
