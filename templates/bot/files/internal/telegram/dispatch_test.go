package telegram

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func update(id, chat int64) Update {
	return Update{UpdateID: id, Message: &Message{Chat: Chat{ID: chat}, Text: "/help"}}
}

// TestDispatcherKeepsEachChatInOrder runs many chats at once (go test -race)
// and checks every chat saw its updates in the order they were submitted.
func TestDispatcherKeepsEachChatInOrder(t *testing.T) {
	var mu sync.Mutex
	seen := make(map[int64][]int64)
	var running, peak atomic.Int64
	d := newDispatcher(context.Background(), 4, func(u Update) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		seen[u.Message.Chat.ID] = append(seen[u.Message.Chat.ID], u.UpdateID)
		mu.Unlock()
		running.Add(-1)
	})
	for id := int64(1); id <= 200; id++ {
		if !d.submit(update(id, id%10)) {
			t.Fatal("submit refused an update")
		}
	}
	d.wait()
	for chat, ids := range seen {
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Fatalf("chat %d handled %v out of order", chat, ids)
			}
		}
	}
	if total := func() (n int) {
		for _, ids := range seen {
			n += len(ids)
		}
		return n
	}(); total != 200 {
		t.Fatalf("handled %d updates, want 200", total)
	}
	if p := peak.Load(); p > 4 || p < 2 {
		t.Fatalf("peak concurrency %d, want 2 to 4", p)
	}
}

// TestDispatcherSlowChatDoesNotStallOthers blocks one chat until another
// chat's update has been handled, which only works if they run concurrently.
func TestDispatcherSlowChatDoesNotStallOthers(t *testing.T) {
	otherDone := make(chan struct{})
	d := newDispatcher(context.Background(), 2, func(u Update) {
		switch u.Message.Chat.ID {
		case 1:
			select {
			case <-otherDone:
			case <-time.After(5 * time.Second):
				t.Error("chat 2 was not answered while chat 1 was busy")
			}
		case 2:
			close(otherDone)
		}
	})
	d.submit(update(1, 1))
	d.submit(update(2, 2))
	d.wait()
}

func TestDispatcherStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	var handled []int64
	var once sync.Once
	d := newDispatcher(ctx, 1, func(u Update) {
		handled = append(handled, u.UpdateID)
		once.Do(func() { close(started) })
		<-release
	})
	d.submit(update(5, 1))
	<-started
	for _, u := range []Update{update(6, 1), update(7, 1)} {
		if !d.submit(u) {
			t.Fatal("an update for a busy chat must queue without a slot")
		}
	}
	cancel()
	if d.submit(update(8, 2)) {
		t.Fatal("submit took an update with no free slot after ctx ended")
	}
	close(release)
	d.wait()
	if fmt.Sprint(handled) != "[5 6 7]" {
		t.Fatalf("handled %v; want every update handed over, [5 6 7]", handled)
	}
	if got := chatID(Update{}); got != 0 {
		t.Fatalf("chatID of an update without a message = %d", got)
	}
}
