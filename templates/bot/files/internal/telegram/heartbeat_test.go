package telegram

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readHeartbeat returns what the heartbeat file at path holds.
func readHeartbeat(path string) (heartbeatFile, error) {
	var hb heartbeatFile
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &hb)
	}
	return hb, err
}

func TestHeartbeatBeat(t *testing.T) {
	// Each step beats at started plus at, promising the next beat within.
	type step struct {
		at, within time.Duration
		wantBeat   time.Duration // the beat the file then holds
		wantStale  time.Duration // and its deadline
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first beat", []step\{{0, time.Minute, 0, time.Minute}}},
		{"later beats move the deadline", []step{
			{0, time.Minute, 0, time.Minute},
			{30 * time.Second, time.Minute, 30 * time.Second, 90 * time.Second},
		}},
		{"a longer promise stands", []step{
			{0, 5 * time.Minute, 0, 5 * time.Minute},
			{10 * time.Second, time.Minute, 0, 5 * time.Minute},
		}},
		{"steps under a second are not written", []step{
			{0, time.Minute, 0, time.Minute},
			{500 * time.Millisecond, time.Minute, 0, time.Minute},
			{time.Second, time.Minute, time.Second, time.Minute + time.Second},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "heartbeat")
			h := NewHeartbeat(path)
			if h.Path() != path {
				t.Errorf("Path = %q", h.Path())
			}
			for i, s := range tc.steps {
				h.now = func() time.Time { return started.Add(s.at) }
				if err := h.Beat(s.within); err != nil {
					t.Fatalf("step %d: Beat = %v", i, err)
				}
				hb, err := readHeartbeat(path)
				if err != nil {
					t.Fatal(err)
				}
				if !hb.Beat.Equal(started.Add(s.wantBeat)) || !hb.StaleAfter.Equal(started.Add(s.wantStale)) {
					t.Errorf("step %d: file holds %+v, want beat %v and stale after %v", i, hb, s.wantBeat, s.wantStale)
				}
			}
			if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
				t.Errorf("the temporary file is left behind: %v", err)
			}
		})
	}
}

func TestHeartbeatWriteFailures(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"missing directory", filepath.Join(dir, "missing", "heartbeat")},
		{"path is a directory", dir},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHeartbeat(tc.path)
			if err := h.Beat(time.Minute); err == nil || !strings.Contains(err.Error(), "writing the heartbeat") {
				t.Fatalf("Beat = %v, want a write error", err)
			}
			// Nothing was written, so the next beat tries again.
			if err := h.Beat(time.Minute); err == nil {
				t.Error("the second Beat did not try again")
			}
			if _, err := os.Stat(tc.path + ".tmp"); tc.path == dir && !os.IsNotExist(err) {
				t.Errorf("the temporary file is left behind: %v", err)
			}
		})
	}
}

func TestCheckHeartbeat(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	beaten := filepath.Join(dir, "beaten")
	h := NewHeartbeat(beaten)
	h.now = func() time.Time { return started }
	if err := h.Beat(time.Minute); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
		now  time.Time
		want string // in the error; empty for fresh
	}{
		{"fresh", beaten, started.Add(30 * time.Second), ""},
		{"due right now", beaten, started.Add(time.Minute), ""},
		{"stale", beaten, started.Add(3*time.Minute + 400*time.Millisecond),
			"heartbeat stale since 2025-01-02T03:05:05Z (2m0s ago): the bot last made progress at 2025-01-02T03:04:05Z"},
		{"missing", filepath.Join(dir, "nothing"), started, "no heartbeat at " + filepath.Join(dir, "nothing") + ": the bot is not running"},
		{"a directory", dir, started, "reading the heartbeat: "},
		{"not JSON", write("garbage", "alive\n"), started, "holds no deadline: it was not written by the bot"},
		{"no deadline", write("empty", "{}\n"), started, "holds no deadline"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckHeartbeat(tc.path, tc.now)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckHeartbeat = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckHeartbeat = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("the reason %q takes more than one line", err)
			}
		})
	}
}
