package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"{{module_path}}/internal/store"
)

func decodeItem(t *testing.T, body []byte) store.{{pascal_case resource}} {
	t.Helper()
	var item store.{{pascal_case resource}}
	if err := json.Unmarshal(body, &item); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return item
}

func TestCRUD(t *testing.T) {
	h := newTestServer(t, Options{}).Handler()

	rec := do(t, h, http.MethodPost, "/{{plural resource}}", `{"name":"  First  ","description":"the first one"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", rec.Code, rec.Body)
	}
	created := decodeItem(t, rec.Body.Bytes())
	if created.ID == "" || created.Name != "First" || created.Description != "the first one" || created.CreatedAt.IsZero() {
		t.Fatalf("created %+v", created)
	}
	if loc := rec.Header().Get("Location"); loc != "/{{plural resource}}/"+created.ID {
		t.Fatalf("Location = %q", loc)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}

	rec = do(t, h, http.MethodGet, "/{{plural resource}}/"+created.ID, "")
	if rec.Code != http.StatusOK || decodeItem(t, rec.Body.Bytes()) != created {
		t.Fatalf("get = %d %s", rec.Code, rec.Body)
	}

	rec = do(t, h, http.MethodPut, "/{{plural resource}}/"+created.ID, `{"name":"Renamed"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("replace = %d %s", rec.Code, rec.Body)
	}
	replaced := decodeItem(t, rec.Body.Bytes())
	if replaced.ID != created.ID || replaced.Name != "Renamed" || replaced.Description != "" || !replaced.CreatedAt.Equal(created.CreatedAt) {
		t.Fatalf("replaced %+v", replaced)
	}

	rec = do(t, h, http.MethodDelete, "/{{plural resource}}/"+created.ID, "")
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("delete = %d %s", rec.Code, rec.Body)
	}

	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		rec = do(t, h, method, "/{{plural resource}}/"+created.ID, "")
		if rec.Code != http.StatusNotFound {
			t.Fatalf("%s after delete = %d", method, rec.Code)
		}
		if p := decodeProblemBody(t, rec); !strings.Contains(p.Detail, created.ID) {
			t.Fatalf("detail %q does not name the ID", p.Detail)
		}
	}
	rec = do(t, h, http.MethodPut, "/{{plural resource}}/"+created.ID, `{"name":"x"}`)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("replace after delete = %d", rec.Code)
	}
}

func TestList(t *testing.T) {
	h := newTestServer(t, Options{}).Handler()
	for i := range 5 {
		if rec := do(t, h, http.MethodPost, "/{{plural resource}}", fmt.Sprintf(`{"name":"n%d"}`, i)); rec.Code != http.StatusCreated {
			t.Fatalf("create = %d", rec.Code)
		}
	}

	tests := []struct {
		query     string
		wantNames []string
		wantLimit int
	}{
		{"", []string{"n0", "n1", "n2", "n3", "n4"}, 20},
		{"?limit=2", []string{"n0", "n1"}, 2},
		{"?limit=2&offset=2", []string{"n2", "n3"}, 2},
		{"?offset=4", []string{"n4"}, 20},
		{"?offset=10", []string{}, 20},
		{"?limit=100", []string{"n0", "n1", "n2", "n3", "n4"}, 100},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, "/{{plural resource}}"+tc.query, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d %s", rec.Code, rec.Body)
			}
			var got listResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, it := range got.Items {
				names = append(names, it.Name)
			}
			if fmt.Sprint(names) != fmt.Sprint(tc.wantNames) || got.Total != 5 || got.Limit != tc.wantLimit {
				t.Fatalf("got %v total=%d limit=%d", names, got.Total, got.Limit)
			}
		})
	}
}

func TestListEmptyIsArray(t *testing.T) {
	rec := do(t, newTestServer(t, Options{}).Handler(), http.MethodGet, "/{{plural resource}}", "")
	if !strings.Contains(rec.Body.String(), `"items":[]`) {
		t.Fatalf("empty list must encode items as [], got %s", rec.Body)
	}
}

func TestListInvalidParams(t *testing.T) {
	h := newTestServer(t, Options{}).Handler()
	tests := []struct {
		query  string
		params []string
		detail string
	}{
		{"?limit=abc", []string{"limit"}, "must be an integer"},
		{"?limit=0", []string{"limit"}, "from 1 to 100"},
		{"?limit=101", []string{"limit"}, "from 1 to 100"},
		{"?offset=-1", []string{"offset"}, "from 0 to 2147483647"},
		{"?offset=2147483648", []string{"offset"}, "from 0 to 2147483647"},
		{"?offset=99999999999999999999999", []string{"offset"}, "from 0 to 2147483647"},
		{"?offset=", []string{"offset"}, "must be an integer"},
		{"?limit=&offset=0", []string{"limit"}, "must be an integer"},
		{"?limit=x&offset=y", []string{"limit", "offset"}, "integer"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, "/{{plural resource}}"+tc.query, "")
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status = %d", rec.Code)
			}
			p := decodeProblemBody(t, rec)
			if len(p.Errors) != len(tc.params) {
				t.Fatalf("errors = %+v", p.Errors)
			}
			for i, e := range p.Errors {
				if e.Parameter != tc.params[i] || !strings.Contains(e.Detail, tc.detail) {
					t.Errorf("error %d = %+v", i, e)
				}
			}
		})
	}
}

func TestBodyErrors(t *testing.T) {
	h := newTestServer(t, Options{MaxBodyBytes: 64}).Handler()
	tests := []struct {
		name        string
		body        string
		contentType string
		status      int
		detail      string
		pointers    []string
	}{
		{"empty body", "", "application/json", 400, "empty", nil},
		{"malformed", `{"name":}`, "application/json", 400, "malformed JSON at byte", nil},
		{"truncated", `{"name":"a"`, "application/json", 400, "ends too early", nil},
		{"not an object", `["a"]`, "application/json", 400, "must be a JSON object", nil},
		{"wrong type", `{"name":42}`, "application/json", 400, "wrong type", []string{"#/name"}},
		{"null name", `{"name":null}`, "application/json", 400, "wrong type", []string{"#/name"}},
		{"null description", `{"name":"a","description":null}`, "application/json", 400, "wrong type", []string{"#/description"}},
		{"unknown field", `{"name":"a","id":"x"}`, "application/json", 400, "does not accept", []string{"#/id"}},
		{"wrong-case key", `{"Name":"a"}`, "application/json", 400, "does not accept", []string{"#/Name"}},
		{"key needing escapes", `{"name":"a","a/b~c":1}`, "application/json", 400, "does not accept", []string{"#/a~1b~0c"}},
		{"trailing data", `{"name":"a"} {}`, "application/json", 400, "single JSON object", nil},
		{"trailing garbage", `{"name":"a"} x`, "application/json", 400, "single JSON object", nil},
		{"too large", `{"name":"` + strings.Repeat("a", 100) + `"}`, "application/json", 413, "exceeds 64 bytes", nil},
		{"too large after object", `{"name":"a"}` + strings.Repeat(" ", 100), "application/json", 413, "exceeds 64 bytes", nil},
		{"form content type", `name=a`, "application/x-www-form-urlencoded", 415, "application/json", nil},
		{"bad content type", `{"name":"a"}`, "application/json; =", 415, "application/json", nil},
		{"missing name", `{}`, "application/json", 422, "invalid", []string{"#/name"}},
		{"blank name", `{"name":" \t\r\n"}`, "application/json", 422, "invalid", []string{"#/name"}},
		{"empty name", `{"name":""}`, "application/json", 422, "invalid", []string{"#/name"}},
		{"null", `null`, "application/json", 400, "must be a JSON object", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodPost, "/{{plural resource}}", tc.body, "Content-Type", tc.contentType)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tc.status, rec.Body)
			}
			p := decodeProblemBody(t, rec)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail = %q, want it to mention %q", p.Detail, tc.detail)
			}
			if len(p.Errors) != len(tc.pointers) {
				t.Fatalf("errors = %+v, want pointers %v", p.Errors, tc.pointers)
			}
			for i, e := range p.Errors {
				if e.Pointer != tc.pointers[i] || e.Detail == "" {
					t.Errorf("error %d = %+v", i, e)
				}
			}
		})
	}
}

func TestValidationLimits(t *testing.T) {
	h := newTestServer(t, Options{}).Handler()
	tests := []struct {
		name     string
		input    map[string]string
		status   int
		pointers []string
	}{
		{"maximum lengths", map[string]string{"name": strings.Repeat("é", maxNameLength), "description": strings.Repeat("d", maxDescriptionLength)}, 201, nil},
		{"name too long", map[string]string{"name": strings.Repeat("n", maxNameLength+1)}, 422, []string{"#/name"}},
		{"both invalid", map[string]string{"description": strings.Repeat("d", maxDescriptionLength+1)}, 422, []string{"#/name", "#/description"}},
		// Only spaces, tabs and line breaks count as blank, as in the spec's pattern.
		{"no-break space", map[string]string{"name": "\u00a0"}, 201, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(tc.input)
			for _, req := range []struct{ method, target string }{
				{http.MethodPost, "/{{plural resource}}"},
				{http.MethodPut, "/{{plural resource}}/unknown"},
			} {
				rec := do(t, h, req.method, req.target, string(body))
				want := tc.status
				if req.method == http.MethodPut && want == 201 {
					want = 404 // valid input reaches the store, which has no such ID
				}
				if rec.Code != want {
					t.Fatalf("%s %s = %d, want %d (%s)", req.method, req.target, rec.Code, want, rec.Body)
				}
				if want != 422 {
					continue
				}
				p := decodeProblemBody(t, rec)
				got := []string{}
				for _, e := range p.Errors {
					got = append(got, e.Pointer)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.pointers) {
					t.Fatalf("pointers = %v, want %v", got, tc.pointers)
				}
			}
		})
	}
}

func TestReplaceInvalidBody(t *testing.T) {
	rec := do(t, newTestServer(t, Options{}).Handler(), http.MethodPut, "/{{plural resource}}/x", `{"name":`)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status = %d", rec.Code)
	}
}

// A missing Content-Type is accepted, since many simple clients omit it; a
// wrong one is not.
func TestMissingContentTypeAccepted(t *testing.T) {
	rec := do(t, newTestServer(t, Options{}).Handler(), http.MethodPost, "/{{plural resource}}", `{"name":"a"}`, "Content-Type", "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST without Content-Type = %d %s, want 201", rec.Code, rec.Body)
	}
}

// failingStore makes every operation fail, to cover the 500 paths.
type failingStore struct{}

var errBroken = errors.New("database unavailable")

func (failingStore) List(context.Context, int, int) ([]store.{{pascal_case resource}}, int, error) {
	return nil, 0, errBroken
}
func (failingStore) Get(context.Context, string) (store.{{pascal_case resource}}, error) {
	return store.{{pascal_case resource}}{}, errBroken
}
func (failingStore) Create(context.Context, store.{{pascal_case resource}}) (store.{{pascal_case resource}}, error) {
	return store.{{pascal_case resource}}{}, errBroken
}
func (failingStore) Replace(context.Context, string, store.{{pascal_case resource}}) (store.{{pascal_case resource}}, error) {
	return store.{{pascal_case resource}}{}, errBroken
}
func (failingStore) Delete(context.Context, string) error { return errBroken }

func TestStoreFailures(t *testing.T) {
	var logs bytes.Buffer
	h := newTestServer(t, Options{
		Store:  failingStore{},
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	}).Handler()
	tests := []struct{ method, target, body string }{
		{http.MethodGet, "/{{plural resource}}", ""},
		{http.MethodPost, "/{{plural resource}}", `{"name":"a"}`},
		{http.MethodGet, "/{{plural resource}}/1", ""},
		{http.MethodPut, "/{{plural resource}}/1", `{"name":"a"}`},
		{http.MethodDelete, "/{{plural resource}}/1", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			logs.Reset()
			rec := do(t, h, tc.method, tc.target, tc.body, "X-Request-ID", "req-500")
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("status = %d", rec.Code)
			}
			p := decodeProblemBody(t, rec)
			if strings.Contains(p.Detail, errBroken.Error()) {
				t.Fatal("internal error text leaked to the client")
			}
			if !strings.Contains(logs.String(), errBroken.Error()) || !strings.Contains(logs.String(), `"request_id":"req-500"`) {
				t.Fatalf("cause not logged with the request ID: %s", logs.String())
			}
		})
	}
}

func TestDecodeProblemFallback(t *testing.T) {
	p := decodeProblem(errors.New("connection reset"), 10)
	if p.Status != http.StatusBadRequest || p.Detail != "the body could not be read" {
		t.Fatalf("got %+v", p)
	}
}

func TestListOffsetLimit(t *testing.T) {
	h := newTestServer(t, Options{}).Handler()
	if rec := do(t, h, http.MethodGet, "/{{plural resource}}?offset=2147483647", ""); rec.Code != http.StatusOK {
		t.Fatalf("the largest offset = %d %s", rec.Code, rec.Body)
	}
}

func TestStoreFull(t *testing.T) {
	h := newTestServer(t, Options{Store: store.NewInMemory(1)}).Handler()
	if rec := do(t, h, http.MethodPost, "/{{plural resource}}", `{"name":"a"}`); rec.Code != http.StatusCreated {
		t.Fatalf("first create = %d", rec.Code)
	}
	rec := do(t, h, http.MethodPost, "/{{plural resource}}", `{"name":"b"}`)
	if rec.Code != http.StatusInsufficientStorage {
		t.Fatalf("create in a full store = %d, want 507", rec.Code)
	}
	if p := decodeProblemBody(t, rec); !strings.Contains(p.Detail, "MAX_ITEMS") {
		t.Fatalf("detail %q does not say how to make room", p.Detail)
	}
}
{{#if with_auth}}

func TestWritesNeedTheToken(t *testing.T) {
	h := newTestServer(t, Options{}).Handler()
	for _, tc := range []struct{ method, target, body string }{
		{http.MethodPost, "/{{plural resource}}", `{"name":"a"}`},
		{http.MethodPut, "/{{plural resource}}/1", `{"name":"a"}`},
		{http.MethodDelete, "/{{plural resource}}/1", ""},
	} {
		for _, header := range []string{"", "Bearer wrong-token", "Basic " + testToken} {
			rec := do(t, h, tc.method, tc.target, tc.body, "Authorization", header)
			if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %q = %d, want 401 with a challenge", tc.method, tc.target, header, rec.Code)
			}
			decodeProblemBody(t, rec)
		}
	}
	for _, target := range []string{"/{{plural resource}}", "/{{plural resource}}/1"} {
		if rec := do(t, h, http.MethodGet, target, "", "Authorization", ""); rec.Code == http.StatusUnauthorized {
			t.Errorf("GET %s needs the token; reads should stay open", target)
		}
	}
}

const testToken = "0123456789abcdef0123456789abcdef"
{{/if}}
