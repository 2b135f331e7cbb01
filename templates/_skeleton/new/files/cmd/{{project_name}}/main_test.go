package main

import (
	"bytes"
{{#if (eq style "json")}}
	"encoding/json"
{{/if}}
	"strings"
	"testing"
)

func TestRunGreets(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-name", "Ada", "-count", "2"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v (stderr: %s)", err, stderr.String())
	}
	want := greeting + ", Ada" + suffix
{{#if loud}}
	want = strings.ToUpper(want)
{{/if}}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), stdout.String())
	}
	for _, line := range lines {
{{#if (eq style "json")}}
		var got struct{ Greeting string }
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		line = got.Greeting
{{/if}}
		if line != want {
			t.Errorf("got %q, want %q", line, want)
		}
	}
}

func TestRunRefusesZeroCount(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-count", "0"}, &stdout, &stderr); err == nil {
		t.Fatal("want an error for -count 0")
	}
}

func TestRunRejectsUnknownFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-nope"}, &stdout, &stderr); err == nil {
		t.Fatal("want an error for an unknown flag")
	}
}
