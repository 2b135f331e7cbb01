package middleware

import "net/http"

// team owns this service; every response names it so on-call knows whom to page.
const team = {{json team}}

// SecurityHeaders sets the headers every Acme service sends, whatever the handler does.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Owning-Team", team)
		next.ServeHTTP(w, r)
	})
}
