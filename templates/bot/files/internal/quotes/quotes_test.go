package quotes

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestFormatPrice(t *testing.T) {
	tests := []struct {
		price    int64
		currency string
		want     string
	}{
		{12_345, "USD", "123.45 USD"},
		{100, "EUR", "1.00 EUR"},
		{5, "USD", "0.05 USD"},
		{0, "USD", "0.00 USD"},
		{-5, "EUR", "-0.05 EUR"},
		{-12_345, "USD", "-123.45 USD"},
	}
	for _, tc := range tests {
		if got := (Quote{Price: tc.price, Currency: tc.currency}).FormatPrice(); got != tc.want {
			t.Errorf("FormatPrice(%d %s) = %q, want %q", tc.price, tc.currency, got, tc.want)
		}
	}
}

func TestMemory(t *testing.T) {
	asOf := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	m := NewMemory(Sample(asOf)...)
	ctx := context.Background()

	q, err := m.Quote(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if q.Symbol != "ACME" || q.Price != 12_345 || !q.UpdatedAt.Equal(asOf) {
		t.Errorf("Quote(acme) = %+v", q)
	}

	if _, err := m.Quote(ctx, "NOPE"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Quote(NOPE) error = %v, want ErrNotFound", err)
	}

	m.Set(Quote{Symbol: "acme", Name: "Acme", Price: 1, Currency: "USD"})
	if q, _ := m.Quote(ctx, "ACME"); q.Price != 1 {
		t.Errorf("after Set, price = %d, want 1", q.Price)
	}
	m.Set(Quote{Symbol: "zeta", Price: 2, Currency: "USD"})
	if got, want := m.Symbols(), []string{"ACME", "GLOBEX", "INITECH", "ZETA"}; !slices.Equal(got, want) {
		t.Errorf("Symbols() = %v, want %v", got, want)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Quote(cancelled, "ACME"); !errors.Is(err, context.Canceled) {
		t.Errorf("Quote with a cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestMemoryIsASourceAndLister(t *testing.T) {
	var _ Source = (*Memory)(nil)
	var _ Lister = (*Memory)(nil)
}
