package server

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

// specOperations reads the "METHOD /path" pairs under paths: in the OpenAPI
// file. It is a line scanner rather than a YAML parser to stay within the
// standard library; it relies only on the file's two-space indentation.
func specOperations(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open spec: %v", err)
	}
	defer f.Close()

	var ops []string
	inPaths, current := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "paths:":
			inPaths = true
		case !inPaths || line == "" || strings.HasPrefix(line, "      "):
		case !strings.HasPrefix(line, " "):
			inPaths = false
		case strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			current = strings.TrimSuffix(strings.TrimSpace(line), ":")
		case strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     "):
			key := strings.TrimSuffix(strings.TrimSpace(line), ":")
			switch key {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				ops = append(ops, strings.ToUpper(key)+" "+current)
			}
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
		if !slices.Contains(spec, r) {
			t.Errorf("route %q is not documented in api/openapi.yaml", r)
		}
	}
	for _, op := range spec {
		if !slices.Contains(routes, op) {
			t.Errorf("api/openapi.yaml documents %q, which no route serves", op)
		}
	}
}
