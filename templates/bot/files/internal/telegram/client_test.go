package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewClientOutlastsTheLongPoll(t *testing.T) {
	c := NewClient("https://api.telegram.org/", testToken, 30*time.Second)
	if c.http.Timeout != 40*time.Second {
		t.Errorf("HTTP timeout = %v, want the poll timeout plus %v", c.http.Timeout, requestSlack)
	}
	if c.baseURL != "https://api.telegram.org" {
		t.Errorf("baseURL = %q", c.baseURL)
	}
}

func TestClientMethods(t *testing.T) {
	f := newFakeAPI(t)
	c := f.client()
	ctx := context.Background()

	me, err := c.GetMe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != 42 || me.Username != "demo_bot" || me.FirstName != "Demo" || !me.IsBot {
		t.Errorf("GetMe = %+v", me)
	}

	f.queue("getUpdates", updates(5, "/help"))
	got, err := c.GetUpdates(ctx, 5, 25*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].UpdateID != 5 || got[0].Message.Text != "/help" || got[0].Message.Chat.ID != 7 {
		t.Errorf("GetUpdates = %+v", got)
	}
	params := f.callsTo("getUpdates")[0].params
	if params["offset"] != 5.0 || params["timeout"] != 25.0 || params["limit"] != 100.0 ||
		fmt.Sprint(params["allowed_updates"]) != "[message]" {
		t.Errorf("getUpdates parameters = %v", params)
	}

	if err := c.SendMessage(ctx, 7, "hi"); err != nil {
		t.Fatal(err)
	}
	if params := f.callsTo("sendMessage")[0].params; params["chat_id"] != 7.0 || params["text"] != "hi" {
		t.Errorf("sendMessage parameters = %v", params)
	}

	if err := c.SetMyCommands(ctx, []BotCommand\{{Command: "help", Description: "Help"}}); err != nil {
		t.Fatal(err)
	}
	if params := f.callsTo("setMyCommands")[0].params; fmt.Sprint(params["commands"]) != "[map[command:help description:Help]]" {
		t.Errorf("setMyCommands parameters = %v", params)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name    string
		reply   reply
		wantErr string
		wantAPI *APIError
	}{
		{"api error", apiError(http.StatusForbidden, "Forbidden: bot was blocked by the user"),
			"telegram getMe: 403 Forbidden: bot was blocked by the user",
			&APIError{Method: "getMe", Code: 403, Description: "Forbidden: bot was blocked by the user"}},
		{"rate limited", tooManyRequests(12),
			"telegram getMe: 429 Too Many Requests: retry later",
			&APIError{Method: "getMe", Code: 429, Description: "Too Many Requests: retry later", RetryAfter: 12 * time.Second}},
		{"error without a code", reply{http.StatusBadGateway, `{"ok":false}`}, "telegram getMe: 502 Bad Gateway",
			&APIError{Method: "getMe", Code: 502}},
		{"not json", reply{http.StatusBadGateway, "<html>Bad Gateway</html>"}, "telegram getMe: HTTP 502 with an unreadable body", nil},
		{"unexpected result", reply{http.StatusOK, `{"ok":true,"result":[1,2]}`}, "telegram getMe: decoding the result", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.queue("getMe", tc.reply)
			_, err := f.client().GetMe(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want %q", err, tc.wantErr)
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) != (tc.wantAPI != nil) {
				t.Fatalf("error %#v: APIError expected: %v", err, tc.wantAPI != nil)
			}
			if tc.wantAPI != nil && *apiErr != *tc.wantAPI {
				t.Errorf("APIError = %+v, want %+v", *apiErr, *tc.wantAPI)
			}
		})
	}
}

func TestTokenRejected(t *testing.T) {
	for code, want := range map[int]bool{401: true, 404: true, 400: false, 403: false, 409: false, 429: false, 500: false} {
		if got := (&APIError{Code: code}).TokenRejected(); got != want {
			t.Errorf("TokenRejected() for %d = %v, want %v", code, got, want)
		}
	}
}

func TestClientRedactsTheToken(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name    string
		baseURL string
	}{
		{"connection refused", closed.URL},
		{"invalid URL", "http://exa mple.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.baseURL, testToken, time.Second).GetMe(context.Background())
			if err == nil {
				t.Fatal("GetMe succeeded")
			}
			if strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), redacted) {
				t.Errorf("error %q shows the token or lacks %s", err, redacted)
			}
		})
	}

	t.Run("any error", func(t *testing.T) {
		c := NewClient("https://api.telegram.org", testToken, time.Second)
		cause := fmt.Errorf("proxy said no to /bot%s/getMe", testToken)
		err := c.redact(cause)
		if strings.Contains(err.Error(), testToken) || !errors.Is(err, cause) {
			t.Errorf("redact = %q (wraps the cause: %v)", err, errors.Is(err, cause))
		}
		plain := errors.New("no token here")
		if c.redact(plain) != plain {
			t.Error("redact changed an error without the token")
		}
	})
}

func TestClientHonoursTheContext(t *testing.T) {
	f := newFakeAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.client().GetUpdates(ctx, 0, time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}
