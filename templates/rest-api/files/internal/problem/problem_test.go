package problem

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name         string
		problem      *Problem
		wantStatus   int
		wantTitle    string
		wantInstance string
		wantErrors   int
	}{
		{
			name:         "plain",
			problem:      New(http.StatusNotFound, "no such thing"),
			wantStatus:   http.StatusNotFound,
			wantTitle:    "Not Found",
			wantInstance: "/things/1",
		},
		{
			name: "with field errors",
			problem: New(http.StatusUnprocessableEntity, "invalid input",
				FieldError{Pointer: "#/name", Detail: "is required"},
				FieldError{Parameter: "limit", Detail: "must be a number"}),
			wantStatus:   http.StatusUnprocessableEntity,
			wantTitle:    "Unprocessable Entity",
			wantInstance: "/things/1",
			wantErrors:   2,
		},
		{
			name:         "explicit instance kept",
			problem:      &Problem{Type: "about:blank", Title: "Conflict", Status: http.StatusConflict, Instance: "/x"},
			wantStatus:   http.StatusConflict,
			wantTitle:    "Conflict",
			wantInstance: "/x",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Write(rec, httptest.NewRequest(http.MethodGet, "/things/1", nil), tc.problem)

			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Header().Get("Content-Type"); got != ContentType {
				t.Fatalf("Content-Type = %q, want %q", got, ContentType)
			}
			var got Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("decode body: %v", err)
			}
			if got.Type != "about:blank" || got.Title != tc.wantTitle || got.Status != tc.wantStatus {
				t.Fatalf("problem = %+v", got)
			}
			if got.Instance != tc.wantInstance {
				t.Fatalf("instance = %q, want %q", got.Instance, tc.wantInstance)
			}
			if len(got.Errors) != tc.wantErrors {
				t.Fatalf("errors = %v, want %d entries", got.Errors, tc.wantErrors)
			}
		})
	}
}

func TestWriteWithoutRequest(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, nil, New(http.StatusInternalServerError, ""))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d", rec.Code)
	}
}

func TestError(t *testing.T) {
	if got := New(http.StatusBadRequest, "").Error(); got != "Bad Request" {
		t.Fatalf("Error() = %q", got)
	}
	if got := New(http.StatusBadRequest, "body is empty").Error(); got != "Bad Request: body is empty" {
		t.Fatalf("Error() = %q", got)
	}
}
