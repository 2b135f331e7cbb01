// Package metrics collects request and command metrics and serves them in
// the Prometheus text exposition format (version 0.0.4).
//
// It is written against the standard library only, so the bot has no
// third-party dependencies; the format is stable and simple enough that a
// full client library would add more than it gives for these few series.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ContentType is the media type Prometheus expects from a scrape.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// buildInfoName follows the Prometheus convention of a <namespace>_build_info
// gauge whose labels carry the build metadata.
const buildInfoName = "{{snake_case project_name}}_build_info"

// DefaultBuckets are the latency histogram bounds in seconds, the same as the
// official Prometheus clients use.
var DefaultBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// BuildInfo is exported as the labels of the build info gauge.
type BuildInfo struct {
	Version string
	Commit  string
	Date    string
}

type requestKey struct {
	method, route string
	status        int
}

type routeKey struct {
	method, route string
}

type commandKey struct {
	command, status string
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; made cumulative on output
	sum    float64
	count  uint64
}

// Registry holds the collected metrics. It is safe for concurrent use.
type Registry struct {
	build   BuildInfo
	buckets []float64

	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[routeKey]*histogram
	commands  map[commandKey]uint64
}

// New returns an empty registry that reports build as its build info.
func New(build BuildInfo) *Registry {
	return &Registry{
		build:     build,
		buckets:   DefaultBuckets,
		requests:  make(map[requestKey]uint64),
		durations: make(map[routeKey]*histogram),
		commands:  make(map[commandKey]uint64),
	}
}

// ObserveRequest records one answered HTTP request. route must be a route
// pattern such as "/interactions" (or a fixed word for unmatched requests),
// never the raw path: every scanner probing random URLs would otherwise
// create new series.
func (reg *Registry) ObserveRequest(method, route string, status int, d time.Duration) {
	method = normalizeMethod(method)
	reg.mu.Lock()
	defer reg.mu.Unlock()

	reg.requests[requestKey{method, route, status}]++
	h, ok := reg.durations[routeKey{method, route}]
	if !ok {
		h = &histogram{counts: make([]uint64, len(reg.buckets))}
		reg.durations[routeKey{method, route}] = h
	}
	seconds := d.Seconds()
	if i, _ := slices.BinarySearch(reg.buckets, seconds); i < len(reg.buckets) {
		h.counts[i]++
	}
	h.sum += seconds
	h.count++
}

// ObserveCommand records one command run. command must be a registered
// command name and status one of the few command outcomes, for the same
// reason routes must be patterns.
func (reg *Registry) ObserveCommand(command, status string) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.commands[commandKey{command, status}]++
}

// normalizeMethod keeps the method label bounded: clients can send any token
// as a method, and each would otherwise become a new series.
func normalizeMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	default:
		return "OTHER"
	}
}

// ServeHTTP serves the metrics in the Prometheus text format.
func (reg *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", ContentType)
	// A write error means the scraper went away; there is nobody to tell.
	_ = reg.Expose(w)
}

// Expose writes every metric to out, series sorted so output is stable.
func (reg *Registry) Expose(out io.Writer) error {
	w := bufio.NewWriter(out)

	reg.mu.Lock()
	reqKeys := slices.SortedFunc(maps.Keys(reg.requests), func(a, b requestKey) int {
		return cmpStrings(a.route, b.route, a.method, b.method, strconv.Itoa(a.status), strconv.Itoa(b.status))
	})
	fmt.Fprintln(w, "# HELP http_requests_total Total HTTP requests, by method, route and status code.")
	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	for _, k := range reqKeys {
		fmt.Fprintf(w, "http_requests_total{method=%s,route=%s,status=\"%d\"} %d\n",
			quote(k.method), quote(k.route), k.status, reg.requests[k])
	}

	durKeys := slices.SortedFunc(maps.Keys(reg.durations), func(a, b routeKey) int {
		return cmpStrings(a.route, b.route, a.method, b.method)
	})
	fmt.Fprintln(w, "# HELP http_request_duration_seconds Time spent answering HTTP requests, by method and route.")
	fmt.Fprintln(w, "# TYPE http_request_duration_seconds histogram")
	for _, k := range durKeys {
		h := reg.durations[k]
		labels := fmt.Sprintf("method=%s,route=%s", quote(k.method), quote(k.route))
		var cumulative uint64
		for i, bound := range reg.buckets {
			cumulative += h.counts[i]
			fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n", labels, formatFloat(bound), cumulative)
		}
		fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, h.count)
		fmt.Fprintf(w, "http_request_duration_seconds_sum{%s} %s\n", labels, formatFloat(h.sum))
		fmt.Fprintf(w, "http_request_duration_seconds_count{%s} %d\n", labels, h.count)
	}

	cmdKeys := slices.SortedFunc(maps.Keys(reg.commands), func(a, b commandKey) int {
		return cmpStrings(a.command, b.command, a.status, b.status)
	})
	fmt.Fprintln(w, "# HELP discord_commands_total Slash commands run, by command and outcome (ok, invalid, unknown, failed).")
	fmt.Fprintln(w, "# TYPE discord_commands_total counter")
	for _, k := range cmdKeys {
		fmt.Fprintf(w, "discord_commands_total{command=%s,status=%s} %d\n", quote(k.command), quote(k.status), reg.commands[k])
	}
	reg.mu.Unlock()

	fmt.Fprintln(w, "# HELP go_goroutines Number of goroutines that currently exist.")
	fmt.Fprintln(w, "# TYPE go_goroutines gauge")
	fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())

	fmt.Fprintf(w, "# HELP %s Build information; the value is always 1.\n", buildInfoName)
	fmt.Fprintf(w, "# TYPE %s gauge\n", buildInfoName)
	fmt.Fprintf(w, "%s{version=%s,commit=%s,date=%s,goversion=%s} 1\n", buildInfoName,
		quote(reg.build.Version), quote(reg.build.Commit), quote(reg.build.Date), quote(runtime.Version()))

	return w.Flush()
}

// cmpStrings compares pairs (a1, b1), (a2, b2), ... in order.
func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// labelEscaper applies the escaping the exposition format requires inside
// label values.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func quote(v string) string {
	return `"` + labelEscaper.Replace(v) + `"`
}

func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}
