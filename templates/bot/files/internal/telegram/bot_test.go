package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"{{module_path}}/internal/commands"
	"{{module_path}}/internal/quotes"
)

{{> go/syncbuffer}}

// sleeper records the waits instead of waiting, so backoff is tested
// exactly and instantly. Like the real sleep, it fails once ctx is done.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
	// then, when set, runs after a wait is recorded.
	then func()
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	then := s.then
	s.mu.Unlock()
	if then != nil {
		then()
	}
	return ctx.Err()
}

func (s *sleeper) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// beats records the heartbeat's promises as the waits they cover beyond
// quietLimit, so they read like the sleeper's waits.
type beats struct {
	mu    sync.Mutex
	quiet time.Duration
	waits []time.Duration
	err   error // what Beat returns
}

// recordBeats replaces b's heartbeat with a recorder.
func recordBeats(b *Bot) *beats {
	r := &beats{quiet: b.quietLimit()}
	b.heartbeat = r
	return r
}

func (r *beats) Beat(within time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, within-r.quiet)
	return r.err
}

func (r *beats) recorded() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

func (r *beats) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

var started = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// newTestBot returns a bot talking to f, with backoff from 1s to 4s, and
// its logs and waits.
func newTestBot(f *fakeAPI, client *Client) (*Bot, *syncBuffer, *sleeper) {
	logs := &syncBuffer{}
	router := commands.New(commands.Options{
		Name:    "{{project_name}}",
		Build:   commands.BuildInfo{Version: "v1.2.3", Commit: "abc1234", Date: "2025-01-01"},
		Quotes:  quotes.NewMemory(quotes.Sample(started)...),
		Started: started,
		Now:     func() time.Time { return started.Add(90 * time.Second) },
	})
	if client == nil {
		client = f.client()
	}
	b := New(Options{
		Client:     client,
		Router:     router,
		Logger:     slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		MinBackoff: time.Second,
		MaxBackoff: 4 * time.Second,
	})
	s := &sleeper{}
	b.sleep = s.sleep
	return b, logs, s
}

// runUntil runs b until it returns, failing the test after five seconds.
func runUntil(t *testing.T, ctx context.Context, b *Bot) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

func TestRunAnswersCommands(t *testing.T) {
	f := newFakeAPI(t)
	f.queue("getUpdates", updates(10,
		"/start",
		"/help",
		"/status",
		"/price acme",
		"/price@Demo_Bot zzz",
		"group:/help@other_bot",
		"hello",
		"group:hello",
		"/nope",
		"group:/price",
	))
	// Once the last reply is on its way, the test is over; the polls since
	// the batch have confirmed it.
	ctx := f.cancelAfter("sendMessage", 8)
	b, logs, _ := newTestBot(f, nil)

	if err := runUntil(t, ctx, b); err != nil {
		t.Fatalf("Run = %v", err)
	}

	want := []string{
		"Hello, I'm Demo.\n\nCommands:\n/help - Show the available commands\n/status - Show the bot's version and uptime\n/price SYMBOL - Look up the latest price of a symbol, such as ACME",
		"Commands:\n/help - Show the available commands\n/status - Show the bot's version and uptime\n/price SYMBOL - Look up the latest price of a symbol, such as ACME",
		"{{project_name}} v1.2.3 (commit abc1234, built 2025-01-01)\nUp for 1m30s.",
		"ACME (Acme Corporation): 123.45 USD\nAs of 2025-01-02 03:04 UTC.",
		"No price for ZZZ. Try one of: ACME, GLOBEX, INITECH.",
		"Send /help to see what I can do.",
		"Unknown command /nope. Send /help for the list.",
		"Missing SYMBOL. Usage: /price SYMBOL",
	}
	// Chats are answered concurrently, each in order.
	byChat := make(map[string][]string)
	for _, c := range f.callsTo("sendMessage") {
		chat := fmt.Sprint(c.params["chat_id"])
		byChat[chat] = append(byChat[chat], fmt.Sprint(c.params["text"]))
	}
	if got := byChat["7"]; !slices.Equal(got, want[:7]) {
		t.Errorf("sent to chat 7:\n%q\nwant:\n%q", got, want[:7])
	}
	if got := byChat["-100"]; !slices.Equal(got, want[7:]) || len(byChat) != 2 {
		t.Errorf("sent to the group: %q, chats %v", got, byChat)
	}

	menu := f.callsTo("setMyCommands")
	if len(menu) != 1 || fmt.Sprint(menu[0].params["commands"]) !=
		"[map[command:help description:Show the available commands] map[command:status description:Show the bot's version and uptime] map[command:price description:Look up the latest price of a symbol, such as ACME]]" {
		t.Errorf("setMyCommands calls = %v", menu)
	}

	polls := f.callsTo("getUpdates")
	if first := polls[0].params; first["offset"] != 0.0 || first["timeout"] != 30.0 {
		t.Errorf("first getUpdates = %v", first)
	}
	if last := polls[len(polls)-1].params; last["offset"] != 20.0 {
		t.Errorf("last getUpdates = %v, want offset 20 to confirm the batch", last)
	}

	out := logs.String()
	for _, want := range []string{`"msg":"connected","username":"demo_bot"`, `"command":"price","status":"ok"`, `"command":"nope","status":"unknown"`, `"msg":"stopped polling"`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	for _, private := range []string{"hello", "acme", testToken} {
		if strings.Contains(out, private) {
			t.Errorf("logs contain %q:\n%s", private, out)
		}
	}
}

func TestRunBeatsAtEveryRoundTrip(t *testing.T) {
	f := newFakeAPI(t)
	f.queue("getMe", apiError(500, "Internal Server Error"))
	f.queue("getUpdates",
		apiError(502, "Bad Gateway"),
		tooManyRequests(7),
		okNone, // the long poll timed out
		updates(1, "/help"),
	)
	// Shutdown waits for the /help answer, and so for its beat.
	ctx := f.cancelAfter("getUpdates", 5)
	b, _, s := newTestBot(f, nil)
	hb := recordBeats(b)
	if err := runUntil(t, ctx, b); err != nil {
		t.Fatalf("Run = %v", err)
	}

	// A beat promises quietLimit plus the wait it precedes.
	want := []time.Duration{
		0,               // start
		time.Second,     // getMe failed, retried after 1s
		0,               // getMe
		0,               // setMyCommands
		time.Second,     // getUpdates failed, retried after 1s
		7 * time.Second, // retry_after
		0,               // an empty answer
		0,               // the batch
	}
	got := hb.recorded()
	if len(got) < len(want)+1 || !slices.Equal(got[:len(want)], want) {
		t.Fatalf("beats = %v, want %v and the answer's", got, want)
	}
	// Then the answer beats, and the last poll does too unless the
	// cancellation cuts it short first.
	for _, wait := range got[len(want):] {
		if wait != 0 {
			t.Errorf("beats = %v, want only plain ones after %v", got, want)
		}
	}
	if waits := s.recorded(); !slices.Equal(waits, []time.Duration{time.Second, time.Second, 7 * time.Second}) {
		t.Errorf("waits = %v", waits)
	}
}

func TestAnswerBeats(t *testing.T) {
	f := newFakeAPI(t)
	b, _, _ := newTestBot(f, nil)
	hb := recordBeats(b)
	b.answer(context.Background(), Update{UpdateID: 1, Message: &Message{Chat: Chat{ID: 7, Type: "private"}, Text: "/help"}})
	if got := hb.recorded(); !slices.Equal(got, []time.Duration{0}) || len(f.sent()) != 1 {
		t.Errorf("beats = %v after sending %q, want one after the reply", got, f.sent())
	}
}

func TestRunWritesTheHeartbeatFile(t *testing.T) {
	f := newFakeAPI(t)
	f.queue("getUpdates", apiError(500, "Internal Server Error"))
	path := filepath.Join(t.TempDir(), "heartbeat")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, logs, s := newTestBot(f, nil)
	b.heartbeat = NewHeartbeat(path)
	var (
		mu     sync.Mutex
		checks []error
		file   heartbeatFile
		err    error
	)
	check := func() {
		mu.Lock()
		defer mu.Unlock()
		checks = append(checks, CheckHeartbeat(path, time.Now()))
	}
	// During the backoff wait after the failed poll, and during the next
	// poll (an empty answer), the probe passes.
	s.then = func() {
		check()
		mu.Lock()
		defer mu.Unlock()
		file, err = readHeartbeat(path)
	}
	var polls atomic.Int32
	f.onCall = func(c call) {
		if c.method == "getUpdates" && polls.Add(1) == 2 {
			check()
			cancel()
		}
	}
	if err := runUntil(t, ctx, b); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(checks) != 2 || checks[0] != nil || checks[1] != nil {
		t.Fatalf("health checks = %v, want two passes", checks)
	}
	// The beat before the wait covers it.
	if err != nil {
		t.Fatal(err)
	}
	if promised, want := file.StaleAfter.Sub(file.Beat), time.Second+b.quietLimit(); promised != want {
		t.Errorf("before the wait, the file promised the next beat within %v, want %v", promised, want)
	}
	if want := fmt.Sprintf(`"msg":"polling","timeout":"30s","heartbeat":%q`, path); !strings.Contains(logs.String(), want) {
		t.Errorf("logs lack %s:\n%s", want, logs.String())
	}
}

func TestBeatLogsWriteFailuresOnce(t *testing.T) {
	f := newFakeAPI(t)
	b, logs, _ := newTestBot(f, nil)
	hb := recordBeats(b)
	hb.fail(errors.New("read-only file system"))
	b.beat(0)
	b.beat(0)
	hb.fail(nil)
	b.beat(0)
	b.beat(0)
	out := logs.String()
	if n := strings.Count(out, "could not write the heartbeat"); n != 1 || !strings.Contains(out, "read-only file system") {
		t.Errorf("logged the failure %d times, want once with the error:\n%s", n, out)
	}
	if n := strings.Count(out, "heartbeat written again"); n != 1 {
		t.Errorf("logged the recovery %d times, want once:\n%s", n, out)
	}
}

func TestQuietLimit(t *testing.T) {
	// With the default 30s poll: a 40s round trip plus 20s of slack. With
	// the longest poll, 5m10s plus 20s.
	tests := []struct {
		poll time.Duration
		want time.Duration
	}{
		{DefaultPollTimeout, time.Minute},
		{time.Second, 40 * time.Second}, // an answer step (20s) is longer than the round trip
		{5 * time.Minute, 5*time.Minute + 30*time.Second},
	}
	for _, tc := range tests {
		b := New(Options{Client: NewClient("https://api.telegram.org", testToken, tc.poll)})
		if got := b.quietLimit(); got != tc.want {
			t.Errorf("poll timeout %v: quietLimit = %v, want %v", tc.poll, got, tc.want)
		}
	}
}

func TestRunIgnoresUpdatesWithoutText(t *testing.T) {
	f := newFakeAPI(t)
	f.queue("getUpdates", reply{200, `{"ok":true,"result":[{"update_id":3},{"update_id":4,"message":{"message_id":1,"chat":{"id":7,"type":"private"}}}]}`})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.onCall = func(c call) {
		if c.method == "getUpdates" && c.params["offset"] == 5.0 {
			cancel()
		}
	}
	b, _, _ := newTestBot(f, nil)
	if err := runUntil(t, ctx, b); err != nil {
		t.Fatal(err)
	}
	if sent := f.sent(); len(sent) != 0 {
		t.Errorf("sent %q, want nothing", sent)
	}
}

func TestRunRetriesWithBackoff(t *testing.T) {
	f := newFakeAPI(t)
	f.queue("getMe",
		apiError(500, "Internal Server Error"),
		reply{502, "<html>Bad Gateway</html>"},
	)
	f.queue("getUpdates",
		tooManyRequests(7),
		apiError(500, "Internal Server Error"),
		apiError(502, "Bad Gateway"),
		apiError(409, "Conflict: terminated by other getUpdates request"),
		apiError(500, "Internal Server Error"),
		updates(1, "/help"),
		apiError(500, "Internal Server Error"),
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// After the successful poll the backoff starts over: one more failure
	// waits the minimum again, then the test ends.
	b, logs, s := newTestBot(f, nil)
	s.then = func() {
		if len(s.recorded()) == 8 {
			cancel()
		}
	}

	if err := runUntil(t, ctx, b); err != nil {
		t.Fatalf("Run = %v", err)
	}
	want := []time.Duration{
		1 * time.Second, 2 * time.Second, // getMe
		7 * time.Second,                                                    // retry_after
		1 * time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, // doubling, capped
		1 * time.Second, // reset after the successful poll
	}
	if got := s.recorded(); !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	if sent := f.sent(); len(sent) != 1 {
		t.Errorf("sent %q, want the /help answer", sent)
	}
	if !strings.Contains(logs.String(), "Conflict: terminated by other getUpdates request") {
		t.Error("logs lack the conflict")
	}
}

func TestRunStopsOnARejectedToken(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fakeAPI)
		token string
	}{
		{"revoked token", func(f *fakeAPI) { f.queue("getMe", apiError(401, "Unauthorized")) }, testToken},
		{"revoked while polling", func(f *fakeAPI) { f.queue("getUpdates", apiError(401, "Unauthorized")) }, testToken},
		{"wrong token", func(*fakeAPI) {}, "1:wrong"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			tc.setup(f)
			b, _, s := newTestBot(f, NewClient(f.srv.URL, tc.token, time.Second))
			err := runUntil(t, context.Background(), b)
			if !errors.Is(err, ErrTokenRejected) {
				t.Fatalf("Run = %v, want ErrTokenRejected", err)
			}
			if strings.Contains(err.Error(), tc.token) {
				t.Errorf("error %q shows the token", err)
			}
			if waits := s.recorded(); len(waits) != 0 {
				t.Errorf("waited %v before giving up, want no retries", waits)
			}
		})
	}
}

func TestRunStopsWhenCancelledWhileRetrying(t *testing.T) {
	for _, method := range []string{"getMe", "getUpdates"} {
		t.Run(method, func(t *testing.T) {
			f := newFakeAPI(t)
			f.queue(method, apiError(500, "Internal Server Error"))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b, _, s := newTestBot(f, nil)
			s.then = cancel
			if err := runUntil(t, ctx, b); err != nil {
				t.Fatalf("Run = %v, want nil after cancellation", err)
			}
		})
	}
}

func TestShutdownAnswersEveryUpdateHandedOverAndConfirmsThem(t *testing.T) {
	f := newFakeAPI(t)
	f.queue("getUpdates",
		updates(50, "/help", "/status", "/price acme"),
		apiError(500, "Internal Server Error"), // a poll while shutting down, if any
		apiError(500, "Internal Server Error"), // the confirmation fails
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The first reply waits until the loop polls again, past all three
	// updates; then a signal arrives, cutting that poll short.
	polled := make(chan struct{})
	var once sync.Once
	f.onCall = func(c call) {
		switch {
		case c.method == "getUpdates" && c.params["offset"] == 53.0 && c.params["timeout"] == 30.0:
			once.Do(func() { close(polled) })
			<-ctx.Done()
		case c.method == "sendMessage":
			<-polled
			cancel()
		}
	}
	b, logs, _ := newTestBot(f, nil)
	if err := runUntil(t, ctx, b); err != nil {
		t.Fatal(err)
	}

	// The updates were handed over, and the next poll would have confirmed
	// them: all three are answered, in order.
	if sent := f.sent(); len(sent) != 3 || !strings.HasPrefix(sent[0], "Commands:") || !strings.HasPrefix(sent[2], "ACME") {
		t.Errorf("sent %q, want the three answers in order", sent)
	}
	polls := f.callsTo("getUpdates")
	if ack := polls[len(polls)-1].params; ack["offset"] != 53.0 || ack["timeout"] != 0.0 {
		t.Errorf("confirmation = %v, want offset 53 and timeout 0", ack)
	}
	if !strings.Contains(logs.String(), "could not confirm the last updates") {
		t.Error("logs lack the failed confirmation")
	}
}

func TestRunSurvivesAFailedCommandMenu(t *testing.T) {
	f := newFakeAPI(t)
	f.queue("setMyCommands", apiError(400, "Bad Request: command description is too long"))
	ctx := f.cancelAfter("getUpdates", 1)
	b, logs, _ := newTestBot(f, nil)
	if err := runUntil(t, ctx, b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "could not set the command menu") {
		t.Error("logs lack the menu failure")
	}
}

func TestSend(t *testing.T) {
	long := strings.Repeat("é", maxMessageRunes+10)
	tests := []struct {
		name      string
		replies   []reply
		text      string
		cancelled bool
		wantCalls int
		wantWaits []time.Duration
		wantLog   string
	}{
		{"delivered", nil, "hi", false, 1, nil, ""},
		{"rate limited", []reply{tooManyRequests(3)}, "hi", false, 2, []time.Duration{3 * time.Second}, `"retry_in":"3s"`},
		{"blocked by the user", []reply{apiError(403, "Forbidden: bot was blocked by the user")}, "hi", false, 1, nil, `"attempts":1`},
		{"server errors", []reply{apiError(500, "a"), apiError(502, "b"), apiError(503, "c")}, "hi", false, 3,
			[]time.Duration{time.Second, 2 * time.Second}, `"attempts":3`},
		{"shutting down", []reply{apiError(500, "a")}, "hi", true, 1, []time.Duration{time.Second}, "reply dropped: shutting down"},
		{"too long", nil, long, false, 1, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.queue("sendMessage", tc.replies...)
			b, logs, s := newTestBot(f, nil)
			hb := recordBeats(b)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelled {
				cancel()
			}
			b.send(ctx, 7, tc.text)
			// Every wait for another attempt is promised to the heartbeat
			// first, so a long retry_after cannot make the bot look stuck.
			if got := hb.recorded(); !slices.Equal(got, tc.wantWaits) {
				t.Errorf("heartbeat promised waits %v, want %v", got, tc.wantWaits)
			}

			sent := f.sent()
			if len(sent) != tc.wantCalls {
				t.Fatalf("sendMessage called %d times, want %d", len(sent), tc.wantCalls)
			}
			if n := len([]rune(sent[0])); n > maxMessageRunes {
				t.Errorf("sent %d characters, more than Telegram's %d", n, maxMessageRunes)
			}
			if got := s.recorded(); !slices.Equal(got, tc.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tc.wantWaits)
			}
			if !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("logs lack %s:\n%s", tc.wantLog, logs.String())
			}
		})
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text       string
		name, args string
		ok         bool
	}{
		{"/help", "help", "", true},
		{"/price ACME", "price", "ACME", true},
		{"/PRICE\tacme  ", "price", "acme", true},
		{"/price\nacme", "price", "acme", true},
		{"/price@demo_bot acme", "price", "acme", true},
		{"/price@DEMO_BOT", "price", "", true},
		{"/price@other_bot acme", "", "", false},
		{"/", "", "", false},
		{"/ help", "", "", false},
		{"hello /help", "", "", false},
		{"", "", "", false},
	}
	for _, tc := range tests {
		name, args, ok := parseCommand(tc.text, "demo_bot")
		if name != tc.name || args != tc.args || ok != tc.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tc.text, name, args, ok, tc.name, tc.args, tc.ok)
		}
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{errors.New("connection reset by peer"), true},
		{&APIError{Code: 429}, true},
		{&APIError{Code: 500}, true},
		{&APIError{Code: 400}, false},
		{&APIError{Code: 403}, false},
	}
	for _, tc := range tests {
		if got := retryable(tc.err); got != tc.want {
			t.Errorf("retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	bo := backoff{min: 100 * time.Millisecond, max: time.Second}
	plain := errors.New("timeout")
	var got []time.Duration
	for range 6 {
		got = append(got, bo.next(plain))
	}
	got = append(got, bo.next(&APIError{Code: 429, RetryAfter: 30 * time.Second}))
	bo.reset()
	got = append(got, bo.next(plain))
	want := []time.Duration{
		100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond,
		time.Second, time.Second, 30 * time.Second, 100 * time.Millisecond,
	}
	if !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestSleep(t *testing.T) {
	if err := sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("sleep = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep with a cancelled context = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("sleep ignored the cancellation")
	}
}

func TestNewDefaults(t *testing.T) {
	b := New(Options{})
	if b.minBackoff != DefaultMinBackoff || b.maxBackoff != DefaultMaxBackoff || b.logger == nil || b.workers != DefaultConcurrency || b.heartbeat != nil {
		t.Errorf("defaults = %+v", b)
	}
	b.beat(time.Minute) // no heartbeat: nothing to do
	if h := NewHeartbeat("hb"); New(Options{Heartbeat: h}).heartbeat != h {
		t.Error("Options.Heartbeat is not used")
	}
	if c := NewClient("https://api.telegram.org", testToken, 0); c.pollTimeout != DefaultPollTimeout {
		t.Errorf("default poll timeout = %v", c.pollTimeout)
	}
	b = New(Options{MinBackoff: 2 * time.Minute})
	if b.maxBackoff != 2*time.Minute {
		t.Errorf("MaxBackoff = %v, want it raised to MinBackoff", b.maxBackoff)
	}
}
