package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBearer(t *testing.T) {
	h := Bearer("s3cret-token-0123456789")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	tests := []struct {
		header string
		want   int
	}{
		{"Bearer s3cret-token-0123456789", http.StatusNoContent},
		{"bearer s3cret-token-0123456789", http.StatusNoContent},
		{"", http.StatusUnauthorized},
		{"Bearer", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer s3cret-token-012345678", http.StatusUnauthorized},
		{"Basic s3cret-token-0123456789", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		req := httptest.NewRequest(http.MethodPost, "/x", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("Authorization %q: status %d, want %d", tc.header, rec.Code, tc.want)
		}
		if tc.want == http.StatusUnauthorized {
			if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer ") ||
				rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("Authorization %q: headers %v", tc.header, rec.Header())
			}
			if strings.Contains(rec.Body.String(), "s3cret") {
				t.Errorf("the response shows the token: %s", rec.Body)
			}
		}
	}
}
