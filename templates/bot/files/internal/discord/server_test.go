package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"{{module_path}}/internal/commands"
	"{{module_path}}/internal/quotes"
)

// syncBuffer lets a test read the logs while the server is still writing.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var started = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

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
	}
	if modify != nil {
		modify(&opts)
	}
	return testServer{Server: NewServer(opts), private: private, logs: logs}
}

// post sends body to /interactions, signed unless signed is false.
func (s testServer) post(body string, signed bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/interactions", strings.NewReader(body))
	const ts = "1735689600"
	if signed {
		req.Header.Set("X-Signature-Ed25519", sign(s.private, ts, []byte(body)))
		req.Header.Set("X-Signature-Timestamp", ts)
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
		{"unsigned ping", `{"type":1}`, true, http.StatusUnauthorized, `{"error":"invalid request signature"}`},
		{"malformed", `{"type":`, false, http.StatusBadRequest, `{"error":"malformed interaction"}`},
		{"component", `{"type":3}`, false, http.StatusBadRequest, `{"error":"unsupported interaction type"}`},
		{"command without data", `{"type":2}`, false, http.StatusBadRequest, `{"error":"application command without data"}`},
		{"too large", `{"type":1,"pad":"` + strings.Repeat("x", 5000) + `"}`, false, http.StatusRequestEntityTooLarge, `{"error":"request body too large"}`},
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
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/interactions", strings.NewReader(tc.body))
			req.Header.Set("X-Signature-Ed25519", tc.signature)
			req.Header.Set("X-Signature-Timestamp", tc.timestamp)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", rec.Code)
			}
		})
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
	if rec.Code != http.StatusInternalServerError || strings.TrimSpace(rec.Body.String()) != `{"error":"internal error"}` {
		t.Errorf("response = %d %s", rec.Code, rec.Body.String())
	}
	for _, want := range []string{`"msg":"panic"`, `"stack":`, `"level":"ERROR","msg":"request"`, `"status":500`} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestAbortHandlerPanicsPropagate(t *testing.T) {
	s := newTestServer(t, nil)
	h := s.recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", p)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
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
	if s.opts.MaxBodyBytes != 64<<10 || s.opts.ShutdownTimeout != 10*time.Second || s.logger == nil {
		t.Errorf("defaults = %+v", s.opts)
	}
}

// client opens a new connection per request, so Shutdown has no idle
// keep-alive connections to wait for.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func TestServeAndShutdown(t *testing.T) {
	s := newTestServer(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	base := "http://" + ln.Addr().String()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready: %v", err)
		}
		time.Sleep(2 * time.Millisecond)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if s.ready.Load() {
		t.Error("still ready after shutdown")
	}
	for _, want := range []string{`"msg":"listening"`, `"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

func TestShutdownTimeout(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	router := newRouter()
	err := router.Add(commands.Command{Name: "slow", Description: "Takes its time", Handler: func(context.Context, commands.Args) (string, error) {
		close(entered)
		<-release
		return "done", nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, func(o *Options) {
		o.Router = router
		o.ShutdownTimeout = 20 * time.Millisecond
	})
	defer close(release)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	body := command("slow")
	req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/interactions", strings.NewReader(body))
	req.Header.Set("X-Signature-Ed25519", sign(s.private, "1", []byte(body)))
	req.Header.Set("X-Signature-Timestamp", "1")
	go func() {
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}()
	<-entered
	cancel()

	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "graceful shutdown did not finish within 20ms") {
			t.Fatalf("Serve = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

func TestListenAndServeErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	s := newTestServer(t, nil)
	if err := s.ListenAndServe(context.Background(), busy.Addr().String()); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Errorf("ListenAndServe on a busy port = %v", err)
	}

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = closed.Close()
	if err := s.Serve(context.Background(), closed); err == nil || !strings.Contains(err.Error(), "serve:") {
		t.Errorf("Serve on a closed listener = %v", err)
	}
}
