package server

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"{{module_path}}/internal/store"
)

// specOperations reads api/openapi.yaml into "METHOD /path" keys and the
// status codes each operation documents. It is a line scanner rather than a
// YAML parser to stay within the standard library; it relies only on the
// file's two-space indentation.
func specOperations(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open spec: %v", err)
	}
	defer f.Close()

	ops := make(map[string][]string)
	inPaths, inResponses, current, op := false, false, "", ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		indent := len(line) - len(strings.TrimLeft(line, " "))
		key := strings.TrimSuffix(strings.TrimSpace(line), ":")
		switch {
		case line == "paths:":
			inPaths = true
		case !inPaths || strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#"):
		case indent == 0:
			inPaths = false
		case indent == 2 && strings.HasPrefix(key, "/"):
			current, op = key, ""
		case indent == 4:
			op, inResponses = "", false
			switch key {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				op = strings.ToUpper(key) + " " + current
				ops[op] = nil
			}
		case indent == 6:
			inResponses = op != "" && key == "responses"
		case indent == 8 && inResponses:
			ops[op] = append(ops[op], strings.Trim(key, `'"`))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// TestOpenAPIMatchesRoutes keeps api/openapi.yaml and the mux in step: every
// registered route is documented and every documented operation is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	spec := specOperations(t, "../../api/openapi.yaml")
	routes := newTestServer(t, Options{}).Routes()
	if len(routes) == 0 || len(spec) == 0 {
		t.Fatalf("routes %v, spec %v: nothing to compare", routes, spec)
	}
	for _, r := range routes {
		if _, ok := spec[r]; !ok {
			t.Errorf("route %q is not documented in api/openapi.yaml", r)
		}
	}
	for op, codes := range spec {
		if !slices.Contains(routes, op) {
			t.Errorf("api/openapi.yaml documents %q, which no route serves", op)
		}
		if len(codes) == 0 {
			t.Errorf("api/openapi.yaml documents no responses for %q", op)
		}
	}
}

// TestResponsesAreDocumented sends each operation the requests that reach
// its every branch, valid and not, and checks that each answer has a status
// the spec documents for that operation, and that problems are well formed.
func TestResponsesAreDocumented(t *testing.T) {
	spec := specOperations(t, "../../api/openapi.yaml")
	full := store.NewInMemory(1)
	s := newTestServer(t, Options{Store: full, MaxBodyBytes: 256})
	h := s.Handler()
	rec := do(t, h, http.MethodPost, "/{{plural resource}}", `{"name":"kept"}`)
	var created store.{{pascal_case resource}}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || rec.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", rec.Code, rec.Body)
	}
	item := "/{{plural resource}}/" + created.ID

	tests := []struct {
		op, target, body string
		want             int
	}{
		{"GET /healthz", "/healthz", "", 200},
		{"GET /readyz", "/readyz", "", 200},
{{#if with_metrics}}
		{"GET /metrics", "/metrics", "", 200},
{{/if}}
		{"GET /{{plural resource}}", "/{{plural resource}}", "", 200},
		{"GET /{{plural resource}}", "/{{plural resource}}?limit=100&offset=2147483647", "", 200},
		{"GET /{{plural resource}}", "/{{plural resource}}?offset=", "", 400},
		{"GET /{{plural resource}}", "/{{plural resource}}?offset=9223372036854775808", "", 400},
		{"GET /{{plural resource}}", "/{{plural resource}}?limit=0", "", 400},
		{"POST /{{plural resource}}", "/{{plural resource}}", `{"name":"x"}`, 507}, // the store holds one item
		{"POST /{{plural resource}}", "/{{plural resource}}", `{"name":"x","description":null}`, 400},
		{"POST /{{plural resource}}", "/{{plural resource}}", `{"NAME":"x"}`, 400},
		{"POST /{{plural resource}}", "/{{plural resource}}", `{"name":" \t"}`, 422},
		{"POST /{{plural resource}}", "/{{plural resource}}", `{"name":"` + strings.Repeat("x", 300) + `"}`, 413},
		{"GET /{{plural resource}}/{id}", item, "", 200},
		{"GET /{{plural resource}}/{id}", "/{{plural resource}}/missing", "", 404},
		{"GET /{{plural resource}}/{id}", "/{{plural resource}}/..", "", 404},
		{"GET /{{plural resource}}/{id}", "/{{plural resource}}/%2e%2e", "", 404},
		{"GET /{{plural resource}}/{id}", "/{{plural resource}}/.", "", 404},
		{"GET /{{plural resource}}/{id}", "/{{plural resource}}/%20%5B%25%5D", "", 404},
		{"PUT /{{plural resource}}/{id}", item, `{"name":"y"}`, 200},
		{"PUT /{{plural resource}}/{id}", "/{{plural resource}}/missing", `{"name":"y"}`, 404},
		{"PUT /{{plural resource}}/{id}", item, `{"name":null}`, 400},
		{"PUT /{{plural resource}}/{id}", item, `{}`, 422},
		{"DELETE /{{plural resource}}/{id}", "/{{plural resource}}/missing", "", 404},
		{"DELETE /{{plural resource}}/{id}", item, "", 204},
	}
	for _, tc := range tests {
		method, _, _ := strings.Cut(tc.op, " ")
		t.Run(method+" "+tc.target, func(t *testing.T) {
			u, err := url.Parse(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req := httptest.NewRequest(method, "/", body)
			req.URL = u // as sent, not cleaned
{{#if with_auth}}
			req.Header.Set("Authorization", "Bearer "+testToken)
{{/if}}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tc.want, rec.Body)
			}
			if !slices.Contains(spec[tc.op], strconv.Itoa(rec.Code)) {
				t.Fatalf("status %d is not documented for %s (documented: %v)", rec.Code, tc.op, spec[tc.op])
			}
			if rec.Code >= 400 {
				p := decodeProblemBody(t, rec)
				if ref, err := url.Parse(p.Instance); err != nil || ref.Scheme != "" || ref.Host != "" || !strings.HasPrefix(p.Instance, "/") {
					t.Fatalf("instance %q is not a relative URI reference", p.Instance)
				}
			}
		})
	}
}
