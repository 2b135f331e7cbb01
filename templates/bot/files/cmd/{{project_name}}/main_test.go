package main

import (
{{#if (eq platform "discord")}}
	"bytes"
{{/if}}
	"context"
{{#if (eq platform "discord")}}
	"crypto/ed25519"
	"encoding/hex"
{{else}}
	"encoding/json"
{{/if}}
	"io"
{{#if (eq platform "discord")}}
	"net"
{{/if}}
	"net/http"
	"net/http/httptest"
{{#if (eq platform "telegram")}}
	"os"
	"path/filepath"
{{/if}}
{{#if (eq platform "discord")}}
	"strconv"
{{/if}}
	"strings"
{{#if (eq platform "telegram")}}
	"sync"
{{/if}}
	"testing"
	"time"
{{#if (eq platform "telegram")}}

	"{{module_path}}/internal/telegram"
{{/if}}
)
{{#if (eq platform "telegram")}}

const testToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// fakeTelegram is a Bot API server that delivers one /status message and
// reports the replies on sent. With rejectToken it refuses the token.
func fakeTelegram(t *testing.T, rejectToken bool) (*httptest.Server, <-chan string) {
	t.Helper()
	sent := make(chan string, 10)
	var (
		mu        sync.Mutex
		delivered bool
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		method, ok := strings.CutPrefix(r.URL.Path, "/bot"+testToken+"/")
		if !ok || rejectToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		switch method {
		case "getMe":
			_, _ = io.WriteString(w, `{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"Demo","username":"demo_bot"}}`)
		case "getUpdates":
			mu.Lock()
			first := !delivered
			delivered = true
			mu.Unlock()
			if first {
				_, _ = io.WriteString(w, `{"ok":true,"result":[{"update_id":1,"message":{"message_id":1,"chat":{"id":7,"type":"private"},"text":"/status"}}]}`)
				return
			}
			// A short long poll: nothing new.
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Millisecond):
			}
			_, _ = io.WriteString(w, `{"ok":true,"result":[]}`)
		case "sendMessage":
			var params struct {
				Text string `json:"text"`
			}
			_ = json.NewDecoder(r.Body).Decode(&params)
			sent <- params.Text
			_, _ = io.WriteString(w, `{"ok":true,"result":{}}`)
		default:
			_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, sent
}

func TestRunAnswersAndShutsDown(t *testing.T) {
	srv, sent := fakeTelegram(t, false)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN":    testToken,
		"TELEGRAM_API_URL":      srv.URL,
		"TELEGRAM_POLL_TIMEOUT": "1s",
		"LOG_LEVEL":             "debug",
		"HEARTBEAT_FILE":        filepath.Join(t.TempDir(), "heartbeat"),
	}
	s := start(t, vars)
	stdout, stderr, done := &s.stdout, &s.stderr, s.done

	select {
	case text := <-sent:
		if !strings.HasPrefix(text, "{{project_name}} dev (commit none, built unknown)\nUp for ") {
			t.Errorf("reply to /status = %q", text)
		}
	case err := <-done:
		t.Fatalf("run returned %v before answering; logs:\n%s", err, stdout.String())
	case <-time.After(5 * time.Second):
		t.Fatalf("no reply; logs:\n%s", stdout.String())
	}

	// The probe, run with the bot's environment, finds it alive.
	var probeOut, probeErr syncBuffer
	if code := exitCode(run(context.Background(), []string{"-healthcheck"}, env(vars), &probeOut, &probeErr), &probeErr); code != exitOK {
		t.Errorf("-healthcheck while running = %d, stderr %q", code, probeErr.String())
	}

	if err := s.stopped(t); err != nil {
		t.Fatalf("run = %v, want nil; stderr: %s", err, stderr.String())
	}
	for _, msg := range []string{`"msg":"starting"`, `"msg":"connected"`, `"msg":"polling"`, `"msg":"stopped"`} {
		if !strings.Contains(stdout.String(), msg) {
			t.Errorf("logs lack %s", msg)
		}
	}
	if strings.Contains(stdout.String(), testToken) {
		t.Error("logs contain the token")
	}
}

func TestRunExitCodes(t *testing.T) {
	rejecting, _ := fakeTelegram(t, true)
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh")
	if err := telegram.NewHeartbeat(fresh).Beat(time.Minute); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "stale")
	if err := os.WriteFile(stale, []byte(`{"beat":"2025-01-01T00:00:00Z","stale_after":"2025-01-01T00:01:00Z"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	tests := []exitCase{
		{"version", []string{"-version"}, nil, exitOK, "{{project_name}} dev (commit none, built unknown, go", ""},
		{"help", []string{"-h"}, nil, exitOK, "", "Usage: {{project_name}} [-healthcheck | -version]"},
		{"unknown flag", []string{"-verbose"}, nil, exitUsage, "", "flag provided but not defined"},
		{"extra arguments", []string{"serve"}, nil, exitUsage, "", `unexpected arguments ["serve"]`},
		{"no token", nil, nil, exitUsage, "", "TELEGRAM_BOT_TOKEN: is required"},
		{"relative heartbeat file", nil, map[string]string{"TELEGRAM_BOT_TOKEN": testToken, "HEARTBEAT_FILE": "heartbeat"}, exitUsage, "", `HEARTBEAT_FILE="heartbeat": must be an absolute path`},
		{"token rejected", nil, map[string]string{"TELEGRAM_BOT_TOKEN": testToken, "TELEGRAM_API_URL": rejecting.URL, "HEARTBEAT_FILE": filepath.Join(dir, "rejected")}, exitFailed, "telegram rejected the bot token", ""},
		// -healthcheck reads nothing but HEARTBEAT_FILE: no token needed.
		{"healthcheck fresh", []string{"-healthcheck"}, map[string]string{"HEARTBEAT_FILE": fresh}, exitOK, "", ""},
		{"healthcheck stale", []string{"-healthcheck"}, map[string]string{"HEARTBEAT_FILE": stale}, exitFailed, "",
			"{{project_name}}: heartbeat stale since 2025-01-01T00:01:00Z ("},
		{"healthcheck missing", []string{"-healthcheck"}, map[string]string{"HEARTBEAT_FILE": missing}, exitFailed, "",
			"{{project_name}}: no heartbeat at " + missing + ": the bot is not running"},
	}
	checkExitCases(t, tests, testToken)
}
{{else}}

// testKey returns a key pair generated from a fixed seed.
func testKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	public, private, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	return public, private
}

func TestRunServesAndShutsDown(t *testing.T) {
	public, private := testKey(t)
	s := start(t, map[string]string{
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(public),
		"HOST":               "127.0.0.1",
		"PORT":               "0",
		"LOG_LEVEL":          "debug",
	})
	base := "http://" + listenAddr(t, s)

	body := `{"type":1}`
	req, err := http.NewRequest(http.MethodPost, base+"/interactions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	// Signed now: the server rejects timestamps more than five minutes off.
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(private, []byte(ts+body))))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pong, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(pong)) != `{"type":1}` {
		t.Fatalf("PING = %d %s", resp.StatusCode, pong)
	}

	checkProbes(t, base)
	stop(t, s)
}

// fakeDiscord accepts command registration for application 123, answering
// with status.
func fakeDiscord(t *testing.T, status int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPut || r.URL.Path != "/applications/123/commands" || r.Header.Get("Authorization") != "Bot bot-token" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message": "404: Not Found", "code": 0}`)
			return
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunRegister(t *testing.T) {
	srv := fakeDiscord(t, http.StatusOK)
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"-register"}, env(map[string]string{
		"DISCORD_APP_ID":    "123",
		"DISCORD_BOT_TOKEN": "bot-token",
		"DISCORD_API_URL":   srv.URL,
	}), &stdout, &stderr)
	if err != nil {
		t.Fatalf("run -register = %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	if want := `"msg":"registered commands","scope":"global","commands":["help","status","price"]`; !strings.Contains(stdout.String(), want) {
		t.Errorf("logs lack %s:\n%s", want, stdout.String())
	}
}

func TestRunExitCodes(t *testing.T) {
	public, _ := testKey(t)
	key := hex.EncodeToString(public)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	rejecting := fakeDiscord(t, http.StatusUnauthorized)

	tests := []exitCase{
		{"version", []string{"-version"}, nil, exitOK, "{{project_name}} dev (commit none, built unknown, go", ""},
		{"help", []string{"-h"}, nil, exitOK, "", "Usage: {{project_name}} [-register | -version]"},
		{"unknown flag", []string{"-verbose"}, nil, exitUsage, "", "flag provided but not defined"},
		{"extra arguments", []string{"serve"}, nil, exitUsage, "", `unexpected arguments ["serve"]`},
		{"no public key", nil, nil, exitUsage, "", "DISCORD_PUBLIC_KEY: is required"},
		{"register without credentials", []string{"-register"}, nil, exitUsage, "", "DISCORD_APP_ID: is required"},
		{"port in use", nil, map[string]string{"DISCORD_PUBLIC_KEY": key, "HOST": "127.0.0.1", "PORT": busyPort}, exitFailed, "server failed", ""},
		{"registration refused", []string{"-register"}, map[string]string{
			"DISCORD_APP_ID": "123", "DISCORD_BOT_TOKEN": "bot-token", "DISCORD_API_URL": rejecting.URL,
		}, exitFailed, "registering commands failed", ""},
	}
	checkExitCases(t, tests, "bot-token")
}
{{/if}}
