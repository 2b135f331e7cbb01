package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// The heartbeat tells a liveness probe whether the bot still makes
// progress: a poll loop stuck for good (a deadlock, a command that ignores
// its deadline in every worker) keeps the process alive but answers nobody,
// and only a restart helps.
//
// The bot beats after every Bot API round trip, whether Telegram answered
// with updates, with nothing (the long poll timed out) or with an error it
// retries, after every update it answered, and before every backoff wait.
// Each beat promises the next one within a limit: the wait it is about to
// do, plus the longest a working bot goes between two beats (see
// Bot.quietLimit), plus heartbeatSlack. The file holds that deadline, so
// the probe needs no configuration: the heartbeat is stale once the
// deadline has passed.
//
// With the defaults (a 30 s long poll, so a 40 s HTTP timeout) a beat
// promises the next within 60 s; before a backoff wait of up to a minute,
// or before obeying Telegram's retry_after, it adds that wait.

// heartbeatSlack is added to every promise, for what the timeouts do not
// bound: scheduling delays, CPU throttling, garbage collection pauses.
const heartbeatSlack = 20 * time.Second

// heartbeatStep is how much later a beat must move the deadline to be
// written: a busy bot rewrites the file about once a second, not once per
// message.
const heartbeatStep = time.Second

// Heartbeat is the file in which the bot records its progress for the
// -healthcheck probe (CheckHeartbeat). It is safe for concurrent use.
type Heartbeat struct {
	path string
	now  func() time.Time // tests replace it

	mu  sync.Mutex
	due time.Time // the deadline the file holds; zero before the first write
}

// NewHeartbeat returns a Heartbeat that writes to path. Nothing is written
// before the first Beat.
func NewHeartbeat(path string) *Heartbeat {
	return &Heartbeat{path: path, now: time.Now}
}

// Path returns the file the heartbeat writes.
func (h *Heartbeat) Path() string { return h.path }

// heartbeatFile is what the file holds, as JSON.
type heartbeatFile struct {
	// Beat is when the bot last made progress.
	Beat time.Time `json:"beat"`
	// StaleAfter is when the next beat is due at the latest.
	StaleAfter time.Time `json:"stale_after"`
}

// Beat records progress and promises the next beat within the given time.
// A promise is never shortened: a reply waiting out Telegram's flood
// control may promise more than the polling loop, which beats more often.
//
// The file is replaced in one step (written aside, then renamed), so the
// probe never reads half of it.
func (h *Heartbeat) Beat(within time.Duration) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	due := now.Add(within)
	if due.Before(h.due.Add(heartbeatStep)) {
		return nil
	}
	// Marshalling fails only for years past 9999.
	data, _ := json.Marshal(heartbeatFile{Beat: now.UTC(), StaleAfter: due.UTC()})
	tmp := h.path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing the heartbeat: %w", err)
	}
	if err := os.Rename(tmp, h.path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writing the heartbeat: %w", err)
	}
	h.due = due
	return nil
}

// CheckHeartbeat returns nil when the heartbeat at path is fresh at now, and
// otherwise an error that says in one line why not: the file is missing,
// unreadable, or its deadline has passed.
func CheckHeartbeat(path string, now time.Time) error {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no heartbeat at %s: the bot is not running, has not started yet, or writes elsewhere (HEARTBEAT_FILE)", path)
	case err != nil:
		return fmt.Errorf("reading the heartbeat: %w", err)
	}
	var hb heartbeatFile
	if err := json.Unmarshal(data, &hb); err != nil || hb.StaleAfter.IsZero() {
		return fmt.Errorf("heartbeat %s holds no deadline: it was not written by the bot", path)
	}
	if now.After(hb.StaleAfter) {
		return fmt.Errorf("heartbeat stale since %s (%s ago): the bot last made progress at %s",
			hb.StaleAfter.Format(time.RFC3339), now.Sub(hb.StaleAfter).Round(time.Second), hb.Beat.Format(time.RFC3339))
	}
	return nil
}
