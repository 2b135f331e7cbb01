package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"{{module_path}}/internal/httpserver"
	"{{module_path}}/internal/middleware"
	"{{module_path}}/internal/problem"
	"{{module_path}}/internal/store"
)

// Limits enforced on input; the OpenAPI spec states the same numbers.
const (
	maxNameLength        = 200
	maxDescriptionLength = 2000
	defaultLimit         = 20
	maxLimit             = 100
	// maxOffset keeps offsets in a range every client and store can hold.
	maxOffset = 1<<31 - 1
)

// blank is the whitespace a name may not consist of alone, and that is
// trimmed from its ends. The spec says the same with the pattern
// '[^ \t\r\n]'; a wider notion of whitespace would differ between regex
// engines.
const blank = " \t\r\n"

// {{camel_case resource}}Input is the body of POST and PUT. It is separate from store.{{pascal_case resource}}
// so that clients cannot set server-owned fields such as id or created_at:
// those are rejected as unknown fields.
type {{camel_case resource}}Input struct {
	Name        string
	Description string
	hasName     bool
}

func (in {{camel_case resource}}Input) validate() []problem.FieldError {
	var errs []problem.FieldError
	switch {
	case !in.hasName:
		errs = append(errs, problem.FieldError{Pointer: "#/name", Detail: "is required"})
	case strings.Trim(in.Name, blank) == "":
		errs = append(errs, problem.FieldError{Pointer: "#/name", Detail: "must contain a character other than spaces, tabs and line breaks"})
	case utf8.RuneCountInString(in.Name) > maxNameLength:
		errs = append(errs, problem.FieldError{Pointer: "#/name", Detail: fmt.Sprintf("must be at most %d characters", maxNameLength)})
	}
	if utf8.RuneCountInString(in.Description) > maxDescriptionLength {
		errs = append(errs, problem.FieldError{Pointer: "#/description", Detail: fmt.Sprintf("must be at most %d characters", maxDescriptionLength)})
	}
	return errs
}

func (in {{camel_case resource}}Input) model() store.{{pascal_case resource}} {
	return store.{{pascal_case resource}}{Name: strings.Trim(in.Name, blank), Description: in.Description}
}

type listResponse struct {
	Items []store.{{pascal_case resource}} `json:"items"`

	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func (s *Server) listItems(w http.ResponseWriter, r *http.Request) {
	// Query parses into a new map even when there is no query string.
	var q url.Values
	if r.URL.RawQuery != "" {
		q = r.URL.Query()
	}
	var errs []problem.FieldError
	limit, err := intParam(q, "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		errs = append(errs, problem.FieldError{Parameter: "limit", Detail: err.Error()})
	}
	offset, err := intParam(q, "offset", 0, 0, maxOffset)
	if err != nil {
		errs = append(errs, problem.FieldError{Parameter: "offset", Detail: err.Error()})
	}
	if len(errs) > 0 {
		problem.Write(w, r, problem.New(http.StatusBadRequest, "invalid query parameters", errs...))
		return
	}

	items, total, err := s.store.List(r.Context(), offset, limit)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, listResponse{Items: items, Total: total, Limit: limit, Offset: offset})
}

// intParam parses the optional integer query parameter name within
// [lo, hi]. Present but empty ("?offset=") is an error, not the default:
// the client asked for something and should hear that it was not valid.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	if !q.Has(name) {
		return def, nil
	}
	n, err := strconv.Atoi(q.Get(name))
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, errors.New("must be an integer")
	}
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("must be from %d to %d", lo, hi)
	}
	return n, nil
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	var in {{camel_case resource}}Input
	if p := s.decode(w, r, &in); p != nil {
		problem.Write(w, r, p)
		return
	}
	created, err := s.store.Create(r.Context(), in.model())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/{{plural resource}}/"+created.ID)
	httpserver.WriteJSON(w, http.StatusCreated, created)
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	item, err := s.store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, item)
}

func (s *Server) replaceItem(w http.ResponseWriter, r *http.Request) {
	var in {{camel_case resource}}Input
	if p := s.decode(w, r, &in); p != nil {
		problem.Write(w, r, p)
		return
	}
	replaced, err := s.store.Replace(r.Context(), r.PathValue("id"), in.model())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, replaced)
}

func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Delete(r.Context(), r.PathValue("id")); err != nil {
		s.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decode reads a JSON body into in and validates it. It enforces the body
// size limit, rejects unknown fields and trailing data, and turns every
// failure into a problem that tells the client exactly what to fix.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, in *{{camel_case resource}}Input) *problem.Problem {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return problem.New(http.StatusUnsupportedMediaType, "send the body as application/json")
		}
	}

	// The body is read as a map first, so keys match exactly: encoding/json
	// would let "NAME" or "Name" set Name, which the spec does not allow.
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err := dec.Decode(&fields); err != nil {
		return decodeProblem(err, s.opts.MaxBodyBytes)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeProblem(err, s.opts.MaxBodyBytes)
		}
		return problem.New(http.StatusBadRequest, "the body must hold a single JSON object")
	}
	if fields == nil {
		return problem.New(http.StatusBadRequest, "the body must be a JSON object")
	}
	var errs []problem.FieldError
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		var dst *string
		switch key {
		case "name":
			dst, in.hasName = &in.Name, true
		case "description":
			dst = &in.Description
		default:
			errs = append(errs, problem.FieldError{Pointer: pointer(key), Detail: "is not a known field"})
			continue
		}
		// A JSON null would leave the string empty without complaint.
		if string(fields[key]) == "null" || json.Unmarshal(fields[key], dst) != nil {
			errs = append(errs, problem.FieldError{Pointer: pointer(key), Detail: "must be a string"})
		}
	}
	if len(errs) > 0 {
		return problem.New(http.StatusBadRequest, "the body has fields this endpoint does not accept, or of the wrong type", errs...)
	}

	if errs := in.validate(); len(errs) > 0 {
		return problem.New(http.StatusUnprocessableEntity, "the {{lower (title_case resource)}} is invalid", errs...)
	}
	return nil
}

func decodeProblem(err error, limit int64) *problem.Problem {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body exceeds %d bytes", limit))
	case errors.Is(err, io.EOF):
		return problem.New(http.StatusBadRequest, "the body is empty; send a JSON object")
	case errors.As(err, &syntaxErr):
		return problem.New(http.StatusBadRequest, fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return problem.New(http.StatusBadRequest, "malformed JSON: the body ends too early")
	case errors.As(err, &typeErr):
		return problem.New(http.StatusBadRequest, "the body must be a JSON object")
	default:
		return problem.New(http.StatusBadRequest, "the body could not be read")
	}
}

// pointer is the JSON Pointer fragment of a top-level key (RFC 6901).
func pointer(key string) string {
	return "#/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		problem.Write(w, r, problem.New(http.StatusNotFound, fmt.Sprintf("no {{lower (title_case resource)}} with id %q", r.PathValue("id"))))
		return
	case errors.Is(err, store.ErrFull):
		problem.Write(w, r, problem.New(http.StatusInsufficientStorage, "the store is full; delete {{lower (title_case (plural resource))}} or raise MAX_ITEMS"))
		return
	}
	s.internalError(w, r, err)
}

// internalError logs the cause and tells the client only that it failed, so
// internals never leak into responses.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.ErrorContext(r.Context(), "request failed",
		slog.String("error", err.Error()),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("request_id", middleware.RequestIDFromContext(r.Context())))
	problem.Write(w, r, problem.New(http.StatusInternalServerError, "the server hit an unexpected error"))
}
