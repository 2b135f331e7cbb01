// Package problem writes error responses as RFC 9457 problem details, so every
// client can handle failures the same way whatever endpoint they called.
package problem

import (
	"encoding/json"
	"net/http"
)

// ContentType is the media type RFC 9457 registers for problem details.
const ContentType = "application/problem+json"

// Problem is an RFC 9457 problem details object.
//
// Type stays "about:blank", which tells clients that Title is the standard
// HTTP status text and Status carries the meaning; Detail and Errors say what
// went wrong with this particular request.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError describes one invalid input. Pointer is a JSON Pointer fragment
// into the request body (as in the RFC 9457 examples); Parameter names a query
// parameter instead.
type FieldError struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Detail    string `json:"detail"`
}

// New returns a problem for status with the given detail.
func New(status int, detail string, errs ...FieldError) *Problem {
	return &Problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Errors: errs,
	}
}

// Error makes a Problem usable as an error value inside handlers.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return p.Title
	}
	return p.Title + ": " + p.Detail
}

// Write sends p as the response, using the request path as the instance.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	// The status line is already out, so an encoding error (a client that
	// hung up) cannot be reported to anyone; the access log still has it.
	_ = json.NewEncoder(w).Encode(p)
}
