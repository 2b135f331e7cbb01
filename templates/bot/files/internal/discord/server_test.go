package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"{{module_path}}/internal/commands"
	"{{module_path}}/internal/problem"
	"{{module_path}}/internal/quotes"
)

{{> go/syncbuffer}}

var started = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// signedAt is when test requests are signed, and the test server's clock.
var (
	signedAt  = time.Unix(1735689600, 0)
	timestamp = strconv.FormatInt(signedAt.Unix(), 10)
)

func newRouter() *commands.Router {
	return commands.New(commands.Options{
		Name:    "{{project_name}}",
		Build:   commands.BuildInfo{Version: "v1.2.3", Commit: "abc1234", Date: "2025-01-01"},
		Quotes:  quotes.NewMemory(quotes.Sample(started)...),
		Started: started,
		Now:     func() time.Time { return started.Add(time.Minute) },
	})
}

// testServer is a Server with a test key pair and captured logs.
type testServer struct {
	*Server
	private ed25519.PrivateKey
	logs    *syncBuffer
}

func newTestServer(t *testing.T, modify func(*Options)) testServer {
	t.Helper()
	public, private := testKeys(t)
	logs := &syncBuffer{}
	opts := Options{
		Logger:       slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Router:       newRouter(),
		PublicKey:    public,
		MaxBodyBytes: 4096,
		Now:          func() time.Time { return signedAt },
	}
	if modify != nil {
		modify(&opts)
	}
	return testServer{Server: NewServer(opts), private: private, logs: logs}
}

// post sends body to /interactions, signed unless signed is false.
func (s testServer) post(body string, signed bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/interactions", strings.NewReader(body))
	if signed {
		req.Header.Set("X-Signature-Ed25519", sign(s.private, timestamp, []byte(body)))
		req.Header.Set("X-Signature-Timestamp", timestamp)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func command(name string, options ...string) string {
	var opts []map[string]any
	for i := 0; i+1 < len(options); i += 2 {
		opts = append(opts, map[string]any{"name": options[i], "type": OptionTypeString, "value": options[i+1]})
	}
	body, _ := json.Marshal(map[string]any{
		"id":       "1111",
		"type":     InteractionApplicationCommand,
		"guild_id": "2222",
		"data":     map[string]any{"id": "3333", "name": name, "type": CommandTypeChatInput, "options": opts},
	})
	return string(body)
}

func TestInteractions(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name       string
		body       string
		unsigned   bool
		wantStatus int
		wantBody   string
	}{
		{"ping", `{"type":1}`, false, http.StatusOK, `{"type":1}`},
		{"unsigned ping", `{"type":1}`, true, http.StatusUnauthorized, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"invalid request signature","instance":"/interactions"}`},
		{"malformed", `{"type":`, false, http.StatusBadRequest, `{"type":"about:blank","title":"Bad Request","status":400,"detail":"malformed interaction","instance":"/interactions"}`},
		{"component", `{"type":3}`, false, http.StatusBadRequest, `{"type":"about:blank","title":"Bad Request","status":400,"detail":"unsupported interaction type","instance":"/interactions"}`},
		{"command without data", `{"type":2}`, false, http.StatusBadRequest, `{"type":"about:blank","title":"Bad Request","status":400,"detail":"application command without data","instance":"/interactions"}`},
		{"too large", `{"type":1,"pad":"` + strings.Repeat("x", 5000) + `"}`, false, http.StatusRequestEntityTooLarge, `{"type":"about:blank","title":"Request Entity Too Large","status":413,"detail":"request body too large","instance":"/interactions"}`},
		{"help", command("help"), false, http.StatusOK,
			`{"type":4,"data":{"content":"Commands:\n/help - Show the available commands\n/status - Show the bot's version and uptime\n/price SYMBOL - Look up the latest price of a symbol, such as ACME","allowed_mentions":{"parse":[]}}}`},
		{"status", command("status"), false, http.StatusOK,
			`{"type":4,"data":{"content":"{{project_name}} v1.2.3 (commit abc1234, built 2025-01-01)\nUp for 1m0s.","allowed_mentions":{"parse":[]}}}`},
		{"price", command("price", "symbol", "acme"), false, http.StatusOK,
			`{"type":4,"data":{"content":"ACME (Acme Corporation): 123.45 USD\nAs of 2025-01-02 03:04 UTC.","allowed_mentions":{"parse":[]}}}`},
		{"price of an unknown symbol", command("price", "symbol", "@everyone"), false, http.StatusOK,
			`{"type":4,"data":{"content":"A symbol is 1 to 12 letters, digits, dots or dashes, such as ACME.","flags":64,"allowed_mentions":{"parse":[]}}}`},
		{"unknown command", command("dance"), false, http.StatusOK,
			`{"type":4,"data":{"content":"Unknown command /dance. Send /help for the list.","flags":64,"allowed_mentions":{"parse":[]}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := s.post(tc.body, !tc.unsigned)
			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := strings.TrimSpace(rec.Body.String()); got != tc.wantBody {
				t.Errorf("body = %s\nwant   %s", got, tc.wantBody)
			}
			wantType := "application/json"
			if tc.wantStatus >= 400 {
				wantType = problem.ContentType
			}
			if ct := rec.Header().Get("Content-Type"); ct != wantType {
				t.Errorf("Content-Type = %q, want %q", ct, wantType)
			}
		})
	}
	for _, want := range []string{`"command":"price","status":"ok","interaction_id":"1111","guild_id":"2222"`, `"route":"/interactions"`} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestInteractionsRejectsTamperedRequests(t *testing.T) {
	s := newTestServer(t, nil)
	body := `{"type":1}`
	tests := []struct {
		name      string
		signature string
		timestamp string
		body      string
	}{
		{"no headers", "", "", body},
		{"body changed", sign(s.private, "1", []byte(body)), "1", `{"type":2}`},
		{"timestamp changed", sign(s.private, "1", []byte(body)), "2", body},
		{"garbage signature", "not-hex", "1", body},
		// Correctly signed, but replayed or from a skewed clock.
		{"six minutes old", sign(s.private, stamp(signedAt.Add(-6*time.Minute)), []byte(body)), stamp(signedAt.Add(-6 * time.Minute)), body},
		{"six minutes ahead", sign(s.private, stamp(signedAt.Add(6*time.Minute)), []byte(body)), stamp(signedAt.Add(6 * time.Minute)), body},
		{"not an integer", sign(s.private, "1735689600.5", []byte(body)), "1735689600.5", body},
		{"not a number", sign(s.private, "yesterday", []byte(body)), "yesterday", body},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/interactions", strings.NewReader(tc.body))
			req.Header.Set("X-Signature-Ed25519", tc.signature)
			req.Header.Set("X-Signature-Timestamp", tc.timestamp)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != problem.ContentType {
				t.Errorf("status = %d (%s), want a 401 problem", rec.Code, rec.Header().Get("Content-Type"))
			}
		})
	}
}

func stamp(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func TestFresh(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tests := map[string]bool{
		"1700000000":           true,
		"1699999700":           true, // five minutes old
		"1700000300":           true, // five minutes ahead
		"1699999699":           false,
		"1700000301":           false,
		"":                     false,
		"-1":                   false,
		"1e9":                  false,
		"99999999999999999999": false,
	}
	for ts, want := range tests {
		if got := fresh(ts, now); got != want {
			t.Errorf("fresh(%q) = %v, want %v", ts, got, want)
		}
	}
}

// errReader fails like a connection dropped in the middle of a body.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestInteractionsUnreadableBody(t *testing.T) {
	s := newTestServer(t, nil)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/interactions", errReader{}))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", rec.Code)
	}
}

func TestOptionValue(t *testing.T) {
	for raw, want := range map[string]string{`"ACME"`: "ACME", `42`: "42", `1.5`: "1.5", `true`: "true"} {
		if got := optionValue(json.RawMessage(raw)); got != want {
			t.Errorf("optionValue(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestCommandFailureIsLoggedNotShown(t *testing.T) {
	router := newRouter()
	err := router.Add(commands.Command{Name: "broken", Description: "Always fails", Handler: func(context.Context, commands.Args) (string, error) {
		return "", errors.New("database password rejected")
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, func(o *Options) { o.Router = router })
	rec := s.post(command("broken"), true)
	if strings.Contains(rec.Body.String(), "password") || !strings.Contains(rec.Body.String(), `"flags":64`) {
		t.Errorf("body = %s", rec.Body.String())
	}
	if !strings.Contains(s.logs.String(), `"level":"ERROR","msg":"command failed"`) || !strings.Contains(s.logs.String(), "database password rejected") {
		t.Errorf("logs lack the failure:\n%s", s.logs.String())
	}
}

func TestPanicsBecome500(t *testing.T) {
	s := newTestServer(t, func(o *Options) { o.Router = nil })
	rec := s.post(command("help"), true)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"status":500`) {
		t.Errorf("response = %d %s", rec.Code, rec.Body.String())
	}
	for _, want := range []string{`"msg":"panic while serving request"`, `"stack":`, `"level":"ERROR","msg":"request"`, `"status":500`} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestRoutesAndProbes(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		method, path string
		wantStatus   int
	}{
		{http.MethodGet, "/healthz", http.StatusOK},
		{http.MethodGet, "/readyz", http.StatusServiceUnavailable}, // not serving yet
		{http.MethodGet, "/interactions", http.StatusMethodNotAllowed},
		{http.MethodGet, "/nope", http.StatusNotFound},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.wantStatus {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, rec.Code, tc.wantStatus)
		}
		// Errors are JSON, as the README says, 404 and 405 included.
		if tc.wantStatus >= 400 {
			var p problem.Problem
			if rec.Header().Get("Content-Type") != problem.ContentType || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != tc.wantStatus {
				t.Errorf("%s %s: not a problem+json body: %q %s", tc.method, tc.path, rec.Header().Get("Content-Type"), rec.Body)
			}
		}
	}
	if !strings.Contains(s.logs.String(), `"level":"DEBUG","msg":"request","method":"GET","path":"/healthz","route":"/healthz"`) {
		t.Errorf("probes should be logged at debug level:\n%s", s.logs.String())
	}
	if !strings.Contains(s.logs.String(), `"path":"/nope","route":"unmatched"`) {
		t.Error("unmatched requests should share one route name")
	}
	if !slices.Contains(s.Routes(), "POST /interactions") {
		t.Errorf("Routes() = %v", s.Routes())
	}
}

func TestNewServerDefaults(t *testing.T) {
	s := NewServer(Options{})
	if s.opts.MaxBodyBytes != 64<<10 || s.opts.HTTP == nil || s.logger == nil || s.opts.Now == nil {
		t.Errorf("defaults = %+v", s.opts)
	}
}
