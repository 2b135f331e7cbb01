package check

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

var sample = []Result{
	{URL: "https://example.com/healthz", Healthy: true, Status: 200, LatencyMS: 12.5, Attempts: 1},
	{URL: "https://example.com/ready", Status: 503, LatencyMS: 3.25, Attempts: 3, Error: "unexpected status 503, want 200"},
	{URL: "http://localhost:9", LatencyMS: 0.4, Attempts: 1, Error: "connection refused"},
}

func TestNewReport(t *testing.T) {
	tests := []struct {
		name        string
		results     []Result
		wantHealthy bool
		wantBad     int
	}{
		{name: "all healthy", results: sample[:1], wantHealthy: true},
		{name: "some unhealthy", results: sample, wantBad: 2},
		{name: "none", results: nil, wantHealthy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReport(tt.results)
			if r.Healthy != tt.wantHealthy || r.Unhealthy() != tt.wantBad {
				t.Errorf("Healthy = %v, Unhealthy() = %d; want %v, %d", r.Healthy, r.Unhealthy(), tt.wantHealthy, tt.wantBad)
			}
			if r.Results == nil {
				t.Error("Results is nil, want an empty slice")
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, NewReport(sample)); err != nil {
		t.Fatal(err)
	}
	want := `RESULT  URL                          STATUS  LATENCY  ATTEMPTS  ERROR
ok      https://example.com/healthz  200     12.50ms  1
FAIL    https://example.com/ready    503     3.25ms   3         unexpected status 503, want 200
FAIL    http://localhost:9           -       0.40ms   1         connection refused

3 checked, 1 healthy, 2 unhealthy
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, NewReport(sample)); err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
	}
	if got.Healthy || len(got.Results) != len(sample) || got.Results[1] != sample[1] {
		t.Errorf("round trip mismatch: %+v", got)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"latency_ms": 12.5`)) {
		t.Errorf("latency_ms missing:\n%s", buf.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReportErrors(t *testing.T) {
	for name, write := range map[string]func(w *failingWriter) error{
		"text": func(w *failingWriter) error { return WriteText(w, NewReport(sample)) },
		"json": func(w *failingWriter) error { return WriteJSON(w, NewReport(sample)) },
	} {
		if err := write(&failingWriter{}); err == nil {
			t.Errorf("%s: want an error from a failing writer", name)
		}
	}
}
