package telegram

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const testToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// call is one request the fake Bot API received.
type call struct {
	method string
	params map[string]any
}

// reply is a canned answer: an HTTP status and a body.
type reply struct {
	status int
	body   string
}

var (
	okTrue = reply{http.StatusOK, `{"ok":true,"result":true}`}
	okMe   = reply{http.StatusOK, `{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"Demo","username":"demo_bot"}}`}
	okNone = reply{http.StatusOK, `{"ok":true,"result":[]}`}
)

func apiError(status int, description string) reply {
	body, _ := json.Marshal(map[string]any{"ok": false, "error_code": status, "description": description})
	return reply{status, string(body)}
}

func tooManyRequests(seconds int) reply {
	body, _ := json.Marshal(map[string]any{
		"ok": false, "error_code": 429, "description": "Too Many Requests: retry later",
		"parameters": map[string]any{"retry_after": seconds},
	})
	return reply{http.StatusTooManyRequests, string(body)}
}

// fakeAPI is a Bot API server. Each method answers from its queue of
// replies in turn; once the queue is empty it answers with its fallback
// (okMe for getMe, an empty list for getUpdates, true otherwise).
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	calls   []call
	replies map[string][]reply
	// onCall, when set, runs before each answer; tests use it to cancel
	// the bot at a given point.
	onCall func(c call)
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, replies: make(map[string][]reply)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) client() *Client {
	return NewClient(f.srv.URL, testToken, DefaultPollTimeout)
}

// cancelAfter returns a context that is cancelled when the fake receives
// its nth call to method, before it answers that call.
func (f *fakeAPI) cancelAfter(method string, n int32) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	f.t.Cleanup(cancel)
	var calls atomic.Int32
	f.onCall = func(c call) {
		if c.method == method && calls.Add(1) == n {
			cancel()
		}
	}
	return ctx
}

// queue adds replies for method.
func (f *fakeAPI) queue(method string, replies ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies[method] = append(f.replies[method], replies...)
}

// callsTo returns the calls made to method, in order.
func (f *fakeAPI) callsTo(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.method == method {
			out = append(out, c)
		}
	}
	return out
}

// sent returns the texts of the sendMessage calls, in order.
func (f *fakeAPI) sent() []string {
	var texts []string
	for _, c := range f.callsTo("sendMessage") {
		texts = append(texts, c.params["text"].(string))
	}
	return texts
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+testToken+"/")
	if !ok || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		// What Telegram answers for a wrong token.
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"ok":false,"error_code":404,"description":"Not Found"}`)
		return
	}
	c := call{method: method}
	if err := json.NewDecoder(r.Body).Decode(&c.params); err != nil {
		f.t.Errorf("%s: decoding the parameters: %v", method, err)
	}

	f.mu.Lock()
	f.calls = append(f.calls, c)
	var answer reply
	if queued := f.replies[method]; len(queued) > 0 {
		answer, f.replies[method] = queued[0], queued[1:]
	} else {
		switch method {
		case "getMe":
			answer = okMe
		case "getUpdates":
			answer = okNone
		default:
			answer = okTrue
		}
	}
	onCall := f.onCall
	f.mu.Unlock()

	if onCall != nil {
		onCall(c)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(answer.status)
	_, _ = io.WriteString(w, answer.body)
}

// updates builds a getUpdates reply holding one message per text, with
// update IDs from firstID on, all in a private chat with ID 7 unless the
// text starts with "group:".
func updates(firstID int64, texts ...string) reply {
	var list []map[string]any
	for i, text := range texts {
		chat := map[string]any{"id": 7, "type": "private"}
		if rest, ok := strings.CutPrefix(text, "group:"); ok {
			chat = map[string]any{"id": -100, "type": "supergroup"}
			text = rest
		}
		list = append(list, map[string]any{
			"update_id": firstID + int64(i),
			"message": map[string]any{
				"message_id": 1000 + i,
				"from":       map[string]any{"id": 99, "is_bot": false, "first_name": "Ada"},
				"chat":       chat,
				"text":       text,
			},
		})
	}
	body, _ := json.Marshal(map[string]any{"ok": true, "result": list})
	return reply{http.StatusOK, string(body)}
}
