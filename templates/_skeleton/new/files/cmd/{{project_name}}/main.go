// Command {{project_name}} prints a greeting.
package main

import (
{{#if (eq style "json")}}
	"encoding/json"
{{/if}}
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/template"
)

const (
	greeting = {{json greeting}}
	suffix   = {{#if loud}}{{json suffix}}{{else}}""{{/if}}
)

// banner is a Go template: the pack escapes its braces so that scaffold leaves them alone.
var banner = template.Must(template.New("banner").Parse("\{{.Greeting}}, \{{.Name}}\{{.Suffix}}"))

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "{{project_name}}:", err)
		os.Exit(2)
	}
}

// run is the whole program, so tests drive it without a subprocess.
func run(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("{{project_name}}", flag.ContinueOnError)
	flags.SetOutput(stderr)
	name := flags.String("name", "world", "who to greet")
	count := flags.Int("count", {{repeat}}, "how many times to greet")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *count < 1 {
		return errors.New("-count must be at least 1")
	}
	for range *count {
		if err := greet(stdout, *name); err != nil {
			return err
		}
	}
	return nil
}

// greet writes one greeting for name.
func greet(w io.Writer, name string) error {
	var text strings.Builder
	data := struct{ Greeting, Name, Suffix string }{greeting, name, suffix}
	if err := banner.Execute(&text, data); err != nil {
		return err
	}
	line := text.String()
{{#if loud}}
	line = strings.ToUpper(line)
{{/if}}
{{#if (eq style "json")}}
	return json.NewEncoder(w).Encode(map[string]string{"greeting": line})
{{else}}
	_, err := fmt.Fprintln(w, line)
	return err
{{/if}}
}
