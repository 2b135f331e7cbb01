// Package store holds the {{pascal_case resource}} model and the storage behind the API.
//
// Handlers depend only on the {{pascal_case resource}}Store interface, so swapping the
// in-memory implementation for a database is a change in main and nowhere else.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when no {{lower (title_case resource)}} has the requested ID.
var ErrNotFound = errors.New("not found")

// ErrFull is returned by Create when the store holds as many items as it may.
var ErrFull = errors.New("the store is full")

// {{pascal_case resource}} is the stored resource as the API returns it.
type {{pascal_case resource}} struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// {{pascal_case resource}}Store is the storage contract the HTTP layer relies on.
// Implementations must be safe for concurrent use and list items in a stable
// order, so that offset pagination never skips or repeats an item.
type {{pascal_case resource}}Store interface {
	// List returns at most limit items starting at offset, oldest first, and
	// the total number of items.
	List(ctx context.Context, offset, limit int) ([]{{pascal_case resource}}, int, error)
	// Get returns the item with the given ID or ErrNotFound.
	Get(ctx context.Context, id string) ({{pascal_case resource}}, error)
	// Create stores a new item; the store assigns ID and timestamps. It
	// returns ErrFull when there is no room for another item.
	Create(ctx context.Context, item {{pascal_case resource}}) ({{pascal_case resource}}, error)
	// Replace overwrites the fields of an existing item, keeping its ID and
	// creation time, or returns ErrNotFound.
	Replace(ctx context.Context, id string, item {{pascal_case resource}}) ({{pascal_case resource}}, error)
	// Delete removes the item or returns ErrNotFound.
	Delete(ctx context.Context, id string) error
}
