// Package quotes is the data behind the /price command: a Source interface
// and an in-memory implementation filled with sample data.
//
// Replace the sample data with the real thing by implementing Source (over a
// database, a market data API or a spreadsheet export) and passing it to
// commands.New in cmd/{{project_name}}/main.go, or by keeping Memory and
// calling Set from a goroutine that follows a price feed.
package quotes

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is returned by a Source for a symbol it does not know.
var ErrNotFound = errors.New("quotes: unknown symbol")

// Quote is the latest price of one symbol.
type Quote struct {
	Symbol string // upper case, such as "ACME"
	Name   string // the instrument's display name
	// Price is in cents (hundredths of Currency). Whole numbers keep prices
	// exact, where float64 would turn 0.10 into 0.1000000000000000055.
	Price     int64
	Currency  string // ISO 4217 code, such as "USD"
	UpdatedAt time.Time
}

// FormatPrice renders the price with two decimals and the currency, such as
// "1234.50 USD" or "-0.05 EUR".
func (q Quote) FormatPrice() string {
	sign, cents := "", q.Price
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, cents/100, cents%100, q.Currency)
}

// Source looks up quotes. Implementations must be safe for concurrent use and
// should honour ctx, since the bot gives each command a deadline.
type Source interface {
	// Quote returns the latest quote for symbol, which the caller has already
	// upper-cased. It returns an error wrapping ErrNotFound when the symbol is
	// unknown.
	Quote(ctx context.Context, symbol string) (Quote, error)
}

// Lister is implemented by sources that can list their symbols; the /price
// command then suggests them when asked for an unknown one.
type Lister interface {
	Symbols() []string
}

// Memory is a Source held in memory. It is safe for concurrent use.
type Memory struct {
	mu     sync.RWMutex
	quotes map[string]Quote
}

// NewMemory returns a Memory holding quotes.
func NewMemory(quotes ...Quote) *Memory {
	m := &Memory{quotes: make(map[string]Quote, len(quotes))}
	for _, q := range quotes {
		m.Set(q)
	}
	return m
}

// Set adds or replaces the quote for q.Symbol.
func (m *Memory) Set(q Quote) {
	q.Symbol = strings.ToUpper(q.Symbol)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.quotes[q.Symbol] = q
}

// Quote implements Source.
func (m *Memory) Quote(ctx context.Context, symbol string) (Quote, error) {
	if err := ctx.Err(); err != nil {
		return Quote{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	q, ok := m.quotes[strings.ToUpper(symbol)]
	if !ok {
		return Quote{}, fmt.Errorf("%w %q", ErrNotFound, symbol)
	}
	return q, nil
}

// Symbols returns the known symbols in alphabetical order.
func (m *Memory) Symbols() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Sorted(maps.Keys(m.quotes))
}

// Sample returns made-up quotes for fictional companies, stamped with asOf,
// so the bot has something to answer before real data is connected.
func Sample(asOf time.Time) []Quote {
	return []Quote{
		{Symbol: "ACME", Name: "Acme Corporation", Price: 12_345, Currency: "USD", UpdatedAt: asOf},
		{Symbol: "GLOBEX", Name: "Globex Corporation", Price: 9_870, Currency: "USD", UpdatedAt: asOf},
		{Symbol: "INITECH", Name: "Initech", Price: 4_205, Currency: "EUR", UpdatedAt: asOf},
	}
}
