// Package auth guards write endpoints with a static bearer token.
package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"{{module_path}}/internal/problem"
)

// Bearer returns middleware that lets a request through only when it carries
// "Authorization: Bearer <token>". Anything else gets 401 with a
// WWW-Authenticate challenge, as problem+json.
func Bearer(token string) func(http.Handler) http.Handler {
	// Comparing fixed-size digests in constant time reveals neither the
	// token's bytes nor its length through response timing.
	want := sha256.Sum256([]byte(token))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
			sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
			if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="{{project_name}}"`)
				problem.Write(w, r, problem.New(http.StatusUnauthorized, "send the API token as: Authorization: Bearer <token>"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
