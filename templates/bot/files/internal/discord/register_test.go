package discord

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDefinitions(t *testing.T) {
	defs := Definitions(newRouter().Commands())
	got, err := json.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	want := `[` +
		`{"type":1,"name":"help","description":"Show the available commands"},` +
		`{"type":1,"name":"status","description":"Show the bot's version and uptime"},` +
		`{"type":1,"name":"price","description":"Look up the latest price of a symbol, such as ACME",` +
		`"options":[{"type":3,"name":"symbol","description":"The ticker symbol, such as ACME","required":true}]}]`
	if string(got) != want {
		t.Errorf("definitions =\n%s\nwant\n%s", got, want)
	}
}

// Discord's own rules for chat input commands, checked against every
// command so that a new one that breaks them fails here rather than in
// production.
func TestDefinitionsFollowDiscordRules(t *testing.T) {
	nameRE := regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)
	defs := Definitions(newRouter().Commands())
	if len(defs) > 100 {
		t.Errorf("%d commands; Discord allows 100", len(defs))
	}
	for _, d := range defs {
		if !nameRE.MatchString(d.Name) || len([]rune(d.Description)) < 1 || len([]rune(d.Description)) > 100 {
			t.Errorf("command %+v breaks Discord's rules", d)
		}
		optional := false
		for _, o := range d.Options {
			if !nameRE.MatchString(o.Name) || len([]rune(o.Description)) < 1 || len([]rune(o.Description)) > 100 {
				t.Errorf("option %+v of %s breaks Discord's rules", o, d.Name)
			}
			if o.Required && optional {
				t.Errorf("%s: required option %s follows an optional one", d.Name, o.Name)
			}
			optional = optional || !o.Required
		}
	}
}

// received is what the fake Discord API was sent.
type received struct {
	method, path string
	header       http.Header
	commands     []ApplicationCommand
}

// fakeDiscord answers command registration like the Discord API: with
// status and answer, or by echoing the commands back with IDs when answer
// is empty.
func fakeDiscord(t *testing.T, status int, answer string) (*httptest.Server, *received) {
	t.Helper()
	got := &received{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.header = r.Method, r.URL.Path, r.Header.Clone()
		if err := json.NewDecoder(r.Body).Decode(&got.commands); err != nil {
			t.Errorf("request body: %v", err)
		}
		body := answer
		if body == "" {
			echo := slices.Clone(got.commands)
			for i := range echo {
				echo[i].ID = strconv.Itoa(100 + i)
			}
			b, _ := json.Marshal(echo)
			body = string(b)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name      string
		guildID   string
		userAgent string
		wantPath  string
		wantAgent string
	}{
		{"global", "", "DiscordBot (https://example.com, v1)", "/api/v10/applications/123/commands", "DiscordBot (https://example.com, v1)"},
		{"guild", "456", "", "/api/v10/applications/123/guilds/456/commands", DefaultUserAgent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, got := fakeDiscord(t, http.StatusOK, "")
			reg := Registrar{
				BaseURL:   srv.URL + "/api/v10/",
				AppID:     "123",
				GuildID:   tc.guildID,
				Token:     "bot-token",
				UserAgent: tc.userAgent,
			}
			registered, err := reg.Register(context.Background(), newRouter().Commands())
			if err != nil {
				t.Fatal(err)
			}
			if got.method != http.MethodPut || got.path != tc.wantPath {
				t.Errorf("request = %s %s, want PUT %s", got.method, got.path, tc.wantPath)
			}
			for header, want := range map[string]string{
				"Authorization": "Bot bot-token",
				"Content-Type":  "application/json",
				"User-Agent":    tc.wantAgent,
			} {
				if value := got.header.Get(header); value != want {
					t.Errorf("%s = %q, want %q", header, value, want)
				}
			}
			if sent := got.commands; len(sent) != 3 || sent[2].Name != "price" || sent[2].Options[0].Name != "symbol" {
				t.Errorf("sent %+v", sent)
			}
			if len(registered) != 3 || registered[0].ID != "100" || registered[0].Name != "help" {
				t.Errorf("registered = %+v", registered)
			}
		})
	}
}

func TestRegisterErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		answer  string
		wantErr string
	}{
		{"unauthorized", http.StatusUnauthorized, `{"message": "401: Unauthorized", "code": 0}`,
			"discord: PUT /applications/123/commands: 401 Unauthorized: 401: Unauthorized"},
		{"rate limited", http.StatusTooManyRequests, `{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}`,
			"429 Too Many Requests: You are being rate limited. (try again in 2.5s)"},
		{"invalid form", http.StatusBadRequest, `{"message": "Invalid Form Body", "code": 50035}`,
			"400 Bad Request: Invalid Form Body"},
		{"not json", http.StatusBadGateway, "upstream connect error\n", "502 Bad Gateway: upstream connect error"},
		{"bad answer", http.StatusOK, `{"not":"a list"}`, "decoding the answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := fakeDiscord(t, tc.status, tc.answer)
			reg := Registrar{BaseURL: srv.URL, AppID: "123", Token: "bot-token", HTTP: &http.Client{Timeout: 5 * time.Second}}
			_, err := reg.Register(context.Background(), newRouter().Commands())
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "bot-token") {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}

func TestRegisterTransportErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for name, base := range map[string]string{
		"connection refused": closed.URL,
		"invalid URL":        "http://exa mple.com",
	} {
		t.Run(name, func(t *testing.T) {
			reg := Registrar{BaseURL: base, AppID: "123", Token: "bot-token"}
			if _, err := reg.Register(context.Background(), newRouter().Commands()); err == nil || !strings.HasPrefix(err.Error(), "discord: ") {
				t.Errorf("error = %v", err)
			}
		})
	}
}
