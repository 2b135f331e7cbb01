package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sync"
	"time"
)

// InMemory implements {{pascal_case resource}}Store in process memory. It is what the
// service runs with out of the box; data is lost on restart.
type InMemory struct {
	mu    sync.RWMutex
	items map[string]{{pascal_case resource}}
	ids   []string // in creation order, so List is deterministic
	max   int      // most items held; 0 means no limit

	now   func() time.Time
	newID func() string
}

var _ {{pascal_case resource}}Store = (*InMemory)(nil)

// NewInMemory returns an empty in-memory store that holds at most maxItems
// items (0 means no limit). Without a limit, anyone who can POST can make the
// process run out of memory.
func NewInMemory(maxItems int) *InMemory {
	return &InMemory{
		items: make(map[string]{{pascal_case resource}}),
		max:   max(maxItems, 0),
		now:   func() time.Time { return time.Now().UTC() },
		newID: randomID,
	}
}

// randomID returns 128 random bits in hex: unguessable and collision-free in
// practice. crypto/rand.Read never fails (it aborts the program instead), so
// there is no error to handle.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// List implements {{pascal_case resource}}Store.
func (m *InMemory) List(_ context.Context, offset, limit int) ([]{{pascal_case resource}}, int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()

	total := len(m.ids)
	start := min(max(offset, 0), total)
	end := min(start+max(limit, 0), total)
	out := make([]{{pascal_case resource}}, 0, end-start)
	for _, id := range m.ids[start:end] {
		out = append(out, m.items[id])
	}
	return out, total, nil
}

// Get implements {{pascal_case resource}}Store.
func (m *InMemory) Get(_ context.Context, id string) ({{pascal_case resource}}, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()

	o, ok := m.items[id]
	if !ok {
		return {{pascal_case resource}}{}, ErrNotFound
	}
	return o, nil
}

// Create implements {{pascal_case resource}}Store.
func (m *InMemory) Create(_ context.Context, o {{pascal_case resource}}) ({{pascal_case resource}}, error) {
	m.mu.Lock()
	defer m.mu.Unlock()

	if m.max > 0 && len(m.ids) >= m.max {
		return {{pascal_case resource}}{}, ErrFull
	}
	o.ID = m.newID()
	o.CreatedAt = m.now()
	o.UpdatedAt = o.CreatedAt
	m.items[o.ID] = o
	m.ids = append(m.ids, o.ID)
	return o, nil
}

// Replace implements {{pascal_case resource}}Store.
func (m *InMemory) Replace(_ context.Context, id string, o {{pascal_case resource}}) ({{pascal_case resource}}, error) {
	m.mu.Lock()
	defer m.mu.Unlock()

	old, ok := m.items[id]
	if !ok {
		return {{pascal_case resource}}{}, ErrNotFound
	}
	o.ID = old.ID
	o.CreatedAt = old.CreatedAt
	o.UpdatedAt = m.now()
	m.items[id] = o
	return o, nil
}

// Delete implements {{pascal_case resource}}Store.
func (m *InMemory) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()

	if _, ok := m.items[id]; !ok {
		return ErrNotFound
	}
	delete(m.items, id)
	m.ids = slices.DeleteFunc(m.ids, func(v string) bool { return v == id })
	return nil
}
