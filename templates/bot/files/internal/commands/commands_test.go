package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"{{module_path}}/internal/quotes"
)

var (
	started = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	now     = started.Add(3*time.Hour + 4*time.Minute + 5*time.Second + 400*time.Millisecond)
)

func newRouter(src quotes.Source) *Router {
	return New(Options{
		Name:    "{{project_name}}",
		Build:   BuildInfo{Version: "v1.2.3", Commit: "abc1234", Date: "2025-01-01"},
		Quotes:  src,
		Started: started,
		Now:     func() time.Time { return now },
	})
}

// failingSource fails every lookup, and lists no symbols.
type failingSource struct{ err error }

func (f failingSource) Quote(context.Context, string) (quotes.Quote, error) {
	return quotes.Quote{}, f.err
}

func TestExecute(t *testing.T) {
	memory := quotes.NewMemory(quotes.Sample(started)...)
	tests := []struct {
		name     string
		source   quotes.Source
		command  string
		args     Args
		want     Status
		wantText string
	}{
		{"help", memory, "help", nil, StatusOK, "/price SYMBOL - Look up the latest price"},
		{"status", memory, "status", nil, StatusOK, "{{project_name}} v1.2.3 (commit abc1234, built 2025-01-01)\nUp for 3h4m5s."},
		{"price", memory, "price", Args{"symbol": " acme "}, StatusOK, "ACME (Acme Corporation): 123.45 USD\nAs of 2025-01-02 03:04 UTC."},
		{"price missing symbol", memory, "price", nil, StatusInvalid, "Missing SYMBOL. Usage: /price SYMBOL"},
		{"price blank symbol", memory, "price", Args{"symbol": "  "}, StatusInvalid, "Missing SYMBOL"},
		{"price invalid symbol", memory, "price", Args{"symbol": "<script>"}, StatusInvalid, "A symbol is 1 to 12 letters"},
		{"price unknown symbol", memory, "price", Args{"symbol": "zzz"}, StatusInvalid, "No price for ZZZ. Try one of: ACME, GLOBEX, INITECH."},
		{"price unknown symbol, no list", failingSource{quotes.ErrNotFound}, "price", Args{"symbol": "zzz"}, StatusInvalid, "No price for ZZZ."},
		{"price source failure", failingSource{errors.New("database down")}, "price", Args{"symbol": "ACME"}, StatusFailed, failedText},
		{"unknown command", memory, "nope", nil, StatusUnknown, "Unknown command /nope. Send /help for the list."},
		{"unknown long command", memory, strings.Repeat("x", 100), nil, StatusUnknown, strings.Repeat("x", 31) + "…."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reply := newRouter(tc.source).Execute(context.Background(), tc.command, tc.args)
			if reply.Status != tc.want {
				t.Errorf("status = %q, want %q (text %q)", reply.Status, tc.want, reply.Text)
			}
			if !strings.Contains(reply.Text, tc.wantText) {
				t.Errorf("text = %q, want it to contain %q", reply.Text, tc.wantText)
			}
			if (reply.Err != nil) != (tc.want == StatusFailed) {
				t.Errorf("err = %v with status %q", reply.Err, reply.Status)
			}
		})
	}
}

func TestExecuteFailureKeepsDetailsOutOfTheReply(t *testing.T) {
	reply := newRouter(failingSource{errors.New("password=hunter2")}).Execute(context.Background(), "price", Args{"symbol": "ACME"})
	if strings.Contains(reply.Text, "hunter2") {
		t.Errorf("reply %q leaks the internal error", reply.Text)
	}
	if reply.Err == nil || !strings.Contains(reply.Err.Error(), "/price: looking up ACME: password=hunter2") {
		t.Errorf("err = %v", reply.Err)
	}
}

func TestExecuteRecoversPanics(t *testing.T) {
	r := newRouter(quotes.NewMemory())
	err := r.Add(Command{Name: "boom", Description: "Panics", Handler: func(context.Context, Args) (string, error) {
		panic("kaboom")
	}})
	if err != nil {
		t.Fatal(err)
	}
	reply := r.Execute(context.Background(), "boom", nil)
	if reply.Status != StatusFailed || reply.Text != failedText {
		t.Errorf("reply = %+v", reply)
	}
	if reply.Err == nil || !strings.Contains(reply.Err.Error(), "kaboom") {
		t.Errorf("err = %v, want the panic value", reply.Err)
	}
}

func TestExecuteText(t *testing.T) {
	r := newRouter(quotes.NewMemory(quotes.Sample(started)...))
	tests := []struct {
		command, text string
		want          Status
		wantText      string
	}{
		{"price", "globex", StatusOK, "GLOBEX (Globex Corporation): 98.70 USD"},
		{"price", "  initech\n", StatusOK, "42.05 EUR"},
		{"price", "", StatusInvalid, "Missing SYMBOL"},
		{"price", "acme globex", StatusInvalid, "Too many arguments. Usage: /price SYMBOL"},
		{"help", "", StatusOK, "Commands:"},
		{"help", "me", StatusInvalid, "Usage: /help"},
		{"nope", "x", StatusUnknown, "Unknown command /nope"},
	}
	for _, tc := range tests {
		reply := r.ExecuteText(context.Background(), tc.command, tc.text)
		if reply.Status != tc.want || !strings.Contains(reply.Text, tc.wantText) {
			t.Errorf("ExecuteText(%q, %q) = %+v, want status %q and text containing %q", tc.command, tc.text, reply, tc.want, tc.wantText)
		}
	}
}

func TestHelpAndCommands(t *testing.T) {
	r := newRouter(quotes.NewMemory())
	var names []string
	for _, c := range r.Commands() {
		names = append(names, c.Name)
	}
	if want := []string{"help", "status", "price"}; !slices.Equal(names, want) {
		t.Errorf("Commands() = %v, want %v", names, want)
	}
	want := "Commands:\n" +
		"/help - Show the available commands\n" +
		"/status - Show the bot's version and uptime\n" +
		"/price SYMBOL - Look up the latest price of a symbol, such as ACME"
	if got := r.Help(); got != want {
		t.Errorf("Help() =\n%s\nwant\n%s", got, want)
	}
}

func TestUsage(t *testing.T) {
	c := Command{Name: "convert", Options: []Option{
		{Name: "amount", Required: true},
		{Name: "currency"},
	}}
	if got, want := c.Usage(), "/convert AMOUNT [CURRENCY]"; got != want {
		t.Errorf("Usage() = %q, want %q", got, want)
	}
}

func TestAddValidates(t *testing.T) {
	ok := func(context.Context, Args) (string, error) { return "", nil }
	tests := []struct {
		name    string
		command Command
		wantErr string
	}{
		{"valid", Command{Name: "ping_2", Description: "Answers pong", Handler: ok}, ""},
		{"duplicate", Command{Name: "help", Description: "Again", Handler: ok}, "already registered"},
		{"upper case name", Command{Name: "Ping", Description: "x", Handler: ok}, "the name must be"},
		{"dash in name", Command{Name: "ping-pong", Description: "x", Handler: ok}, "the name must be"},
		{"long name", Command{Name: strings.Repeat("a", 33), Description: "x", Handler: ok}, "the name must be"},
		{"no description", Command{Name: "ping", Handler: ok}, "the description must be"},
		{"long description", Command{Name: "ping", Description: strings.Repeat("é", 101), Handler: ok}, "the description must be"},
		{"no handler", Command{Name: "ping", Description: "x"}, "no handler"},
		{"bad option name", Command{Name: "ping", Description: "x", Handler: ok, Options: []Option\{{Name: "To", Description: "x"}}}, `option "To"`},
		{"option without description", Command{Name: "ping", Description: "x", Handler: ok, Options: []Option\{{Name: "to"}}}, `option "to": the description`},
		{"duplicate option", Command{Name: "ping", Description: "x", Handler: ok, Options: []Option\{{Name: "to", Description: "x"}, {Name: "to", Description: "y"}}}, "appears twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := newRouter(quotes.NewMemory()).Add(tc.command)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Add: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Add error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestNewDefaultsTheClock(t *testing.T) {
	r := New(Options{Name: "bot", Quotes: quotes.NewMemory()})
	if r.opts.Started.IsZero() || r.opts.Now == nil {
		t.Fatal("New did not default Started and Now")
	}
	if reply := r.Execute(context.Background(), "status", nil); !strings.Contains(reply.Text, "Up for 0s.") {
		t.Errorf("status = %q", reply.Text)
	}
}

func TestUserf(t *testing.T) {
	err := Userf("bad %s", "thing")
	var userErr *UserError
	if !errors.As(err, &userErr) || err.Error() != "bad thing" {
		t.Errorf("Userf = %#v", err)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 10, "hello"},
		{"hello!", 5, "hell…"},
		{"héllo wörld", 6, "héllo…"},
		{"hello", 0, ""},
	}
	for _, tc := range tests {
		if got := Truncate(tc.in, tc.max); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
