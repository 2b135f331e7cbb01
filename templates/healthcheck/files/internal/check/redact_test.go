package check

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"https://example.com/healthz":                          "https://example.com/healthz",
		"https://user:hunter2@example.com/healthz":             "https://user:xxxxx@example.com/healthz",
		"https://example.com/h?token=abc&verbose=1":            "https://example.com/h?token=xxxxx&verbose=1",
		"https://example.com/h?API_KEY=abc&X-Amz-Signature=de": "https://example.com/h?API_KEY=xxxxx&X-Amz-Signature=xxxxx",
		"https://example.com/h?client%5Fsecret=abc":            "https://example.com/h?client%5Fsecret=xxxxx",
		"https://example.com/h?password=a&sig=b&flag":          "https://example.com/h?password=xxxxx&sig=xxxxx&flag",
		"http://u:p@exa mple.com/x?token=abc":                  "http://xxxxx@exa mple.com/xxxxxx",
		"exa mple.com?token=1":                                 "exa%20mple.com?token=xxxxx",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResultsNeverShowSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	target := strings.Replace(srv.URL, "http://", "http://admin:hunter2@", 1) + "/?access_token=s3cr3t"
	c := New(Config{ExpectedStatus: http.StatusOK})
	unreachable := "http://admin:hunter2@127.0.0.1:1/?access_token=s3cr3t"
	report := NewReport(c.CheckAll(context.Background(), []string{target, unreachable}))

	var text, json strings.Builder
	if err := WriteText(&text, report); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&json, report); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), json.String()} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, "s3cr3t") {
			t.Errorf("the report shows a secret:\n%s", out)
		}
		if !strings.Contains(out, "admin:xxxxx@") || !strings.Contains(out, "access_token=xxxxx") {
			t.Errorf("the report does not show the masked URL:\n%s", out)
		}
	}
}
