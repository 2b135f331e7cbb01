package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Report is the whole outcome of a run: healthy only when every result is.
type Report struct {
	Healthy bool     `json:"healthy"`
	Results []Result `json:"results"`
}

// NewReport summarises results, keeping their order.
func NewReport(results []Result) Report {
	healthy := true
	for _, r := range results {
		healthy = healthy && r.Healthy
	}
	if results == nil {
		// An empty array, not null, keeps JSON consumers simple.
		results = []Result{}
	}
	return Report{Healthy: healthy, Results: results}
}

// Unhealthy counts the results that failed.
func (r Report) Unhealthy() int {
	n := 0
	for _, res := range r.Results {
		if !res.Healthy {
			n++
		}
	}
	return n
}

// WriteJSON writes the report as one indented JSON object.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report as an aligned table followed by a summary line.
func WriteText(w io.Writer, r Report) error {
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tURL\tSTATUS\tLATENCY\tATTEMPTS\tERROR")
	for _, res := range r.Results {
		verdict, status := "ok", "-"
		if !res.Healthy {
			verdict = "FAIL"
		}
		if res.Status != 0 {
			status = fmt.Sprint(res.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2fms\t%d\t%s\n", verdict, res.URL, status, res.LatencyMS, res.Attempts, res.Error)
	}
	// Flushing into a bytes.Buffer cannot fail.
	_ = tw.Flush()
	var out strings.Builder
	// tabwriter pads the empty ERROR cell of healthy rows; the padding is
	// trimmed so the output diffs cleanly.
	for line := range strings.Lines(table.String()) {
		out.WriteString(strings.TrimRight(line, " \n"))
		out.WriteString("\n")
	}
	fmt.Fprintf(&out, "\n%d checked, %d healthy, %d unhealthy\n", len(r.Results), len(r.Results)-r.Unhealthy(), r.Unhealthy())
	_, err := io.WriteString(w, out.String())
	return err
}
