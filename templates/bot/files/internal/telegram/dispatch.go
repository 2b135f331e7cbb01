package telegram

import (
	"context"
	"sync"
)

// DefaultConcurrency is how many chats are answered at the same time when
// Options.Concurrency is not set.
const DefaultConcurrency = 8

// dispatcher runs updates concurrently, at most limit chats at a time, and
// one chat's updates strictly in the order they arrived: a slow command or
// a rate-limited reply holds up its own chat, not everybody's.
//
// Every update handed over is answered, even after ctx ends: the next
// getUpdates call has already confirmed it to Telegram, which would not
// deliver it again.
type dispatcher struct {
	ctx    context.Context
	handle func(Update)
	slots  chan struct{} // one token per chat being answered

	mu     sync.Mutex
	queues map[int64][]Update // chats with a worker; the updates waiting for it
	wg     sync.WaitGroup
}

func newDispatcher(ctx context.Context, limit int, handle func(Update)) *dispatcher {
	return &dispatcher{
		ctx:    ctx,
		handle: handle,
		slots:  make(chan struct{}, max(limit, 1)),
		queues: make(map[int64][]Update),
	}
}

// submit hands u to its chat's worker, starting one when the chat has none.
// Starting one waits for a free slot, so a flood of busy chats slows the
// polling loop down instead of piling up goroutines. It reports false,
// without taking u, when ctx ends first.
func (d *dispatcher) submit(u Update) bool {
	chat := chatID(u)
	d.mu.Lock()
	if q, busy := d.queues[chat]; busy {
		d.queues[chat] = append(q, u)
		d.mu.Unlock()
		return true
	}
	d.mu.Unlock()

	select {
	case d.slots <- struct{}{}:
	case <-d.ctx.Done():
		return false
	}
	d.mu.Lock()
	if q, busy := d.queues[chat]; busy {
		// Only the polling loop submits, so no worker for this chat can
		// have started meanwhile; this is defence in depth.
		d.queues[chat] = append(q, u)
		d.mu.Unlock()
		<-d.slots
		return true
	}
	d.queues[chat] = []Update{}
	d.mu.Unlock()
	d.wg.Add(1)
	go d.work(chat, u)
	return true
}

// work answers u and then the chat's queued updates, in order, until the
// queue is empty.
func (d *dispatcher) work(chat int64, u Update) {
	defer d.wg.Done()
	defer func() { <-d.slots }()
	for {
		d.handle(u)
		d.mu.Lock()
		q := d.queues[chat]
		if len(q) == 0 {
			delete(d.queues, chat)
			d.mu.Unlock()
			return
		}
		u, d.queues[chat] = q[0], q[1:]
		d.mu.Unlock()
	}
}

// wait returns once every submitted update has been handled.
func (d *dispatcher) wait() {
	d.wg.Wait()
}

// chatID is the chat an update belongs to; updates without a message share
// chat 0 (they are ignored quickly anyway).
func chatID(u Update) int64 {
	if u.Message == nil {
		return 0
	}
	return u.Message.Chat.ID
}
