package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// newTestInMemory returns a store with a fake clock and sequential IDs, so
// assertions do not depend on time or randomness.
func newTestInMemory() *InMemory {
	m := NewInMemory(0)
	clock := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	m.now = func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}
	n := 0
	m.newID = func() string {
		n++
		return fmt.Sprintf("id-%d", n)
	}
	return m
}

func TestInMemoryCRUD(t *testing.T) {
	ctx := context.Background()
	m := newTestInMemory()

	created, err := m.Create(ctx, {{pascal_case resource}}{ID: "ignored", Name: "first", Description: "d"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.ID != "id-1" || created.Name != "first" || created.CreatedAt.IsZero() || !created.UpdatedAt.Equal(created.CreatedAt) {
		t.Fatalf("Create returned %+v", created)
	}

	got, err := m.Get(ctx, created.ID)
	if err != nil || got != created {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, created)
	}

	replaced, err := m.Replace(ctx, created.ID, {{pascal_case resource}}{ID: "other", Name: "renamed"})
	if err != nil {
		t.Fatalf("Replace: %v", err)
	}
	if replaced.ID != created.ID || replaced.Name != "renamed" || replaced.Description != "" ||
		!replaced.CreatedAt.Equal(created.CreatedAt) || !replaced.UpdatedAt.After(created.UpdatedAt) {
		t.Fatalf("Replace returned %+v", replaced)
	}

	if err := m.Delete(ctx, created.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := m.Get(ctx, created.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v, want ErrNotFound", err)
	}
}

func TestInMemoryNotFound(t *testing.T) {
	ctx := context.Background()
	m := newTestInMemory()
	if _, err := m.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get: err = %v", err)
	}
	if _, err := m.Replace(ctx, "missing", {{pascal_case resource}}{Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Replace: err = %v", err)
	}
	if err := m.Delete(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete: err = %v", err)
	}
}

func TestInMemoryListPagination(t *testing.T) {
	ctx := context.Background()
	m := newTestInMemory()
	for i := range 5 {
		if _, err := m.Create(ctx, {{pascal_case resource}}{Name: fmt.Sprintf("n%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Delete(ctx, "id-2"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		offset, limit int
		want          []string
	}{
		{0, 10, []string{"id-1", "id-3", "id-4", "id-5"}},
		{1, 2, []string{"id-3", "id-4"}},
		{3, 10, []string{"id-5"}},
		{4, 10, []string{}},
		{99, 10, []string{}},
		{-1, 1, []string{"id-1"}},
		{0, 0, []string{}},
		{0, -5, []string{}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("offset=%d,limit=%d", tc.offset, tc.limit), func(t *testing.T) {
			items, total, err := m.List(ctx, tc.offset, tc.limit)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if total != 4 {
				t.Errorf("total = %d, want 4", total)
			}
			got := make([]string, 0, len(items))
			for _, it := range items {
				got = append(got, it.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("IDs = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestInMemoryRandomIDs(t *testing.T) {
	m := NewInMemory(0)
	a, _ := m.Create(context.Background(), {{pascal_case resource}}{Name: "a"})
	b, _ := m.Create(context.Background(), {{pascal_case resource}}{Name: "b"})
	if len(a.ID) != 32 || a.ID == b.ID {
		t.Fatalf("IDs %q and %q are not distinct 32-character hex strings", a.ID, b.ID)
	}
	if a.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt is not UTC: %v", a.CreatedAt)
	}
}

// TestInMemoryConcurrent is meant for `go test -race`.
func TestInMemoryConcurrent(t *testing.T) {
	ctx := context.Background()
	m := NewInMemory(0)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				o, err := m.Create(ctx, {{pascal_case resource}}{Name: fmt.Sprintf("%d-%d", i, j)})
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = m.Get(ctx, o.ID)
				_, _, _ = m.List(ctx, 0, 10)
				_, _ = m.Replace(ctx, o.ID, {{pascal_case resource}}{Name: "r"})
				if j%2 == 0 {
					_ = m.Delete(ctx, o.ID)
				}
			}
		}()
	}
	wg.Wait()
	if _, total, _ := m.List(ctx, 0, 1); total != 8*12 {
		t.Fatalf("total = %d, want %d", total, 8*12)
	}
}

func TestInMemoryFull(t *testing.T) {
	ctx := context.Background()
	m := NewInMemory(2)
	a, _ := m.Create(ctx, {{pascal_case resource}}{Name: "a"})
	if _, err := m.Create(ctx, {{pascal_case resource}}{Name: "b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Create(ctx, {{pascal_case resource}}{Name: "c"}); !errors.Is(err, ErrFull) {
		t.Fatalf("third Create: err = %v, want ErrFull", err)
	}
	if err := m.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Create(ctx, {{pascal_case resource}}{Name: "c"}); err != nil {
		t.Fatalf("Create after Delete: %v", err)
	}
}
