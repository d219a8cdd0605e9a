package main

import (
	"flag"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

func TestParseInterspersed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		pos     []string
		ctx     string
		verbose bool
	}{
		{nil, nil, "", false},
		{[]string{"a"}, []string{"a"}, "", false},
		{[]string{"a", "--context", "x", "b"}, []string{"a", "b"}, "x", false},
		{[]string{"--verbose", "a", "--context=y"}, []string{"a"}, "y", true},
		{[]string{"a", "--", "--context", "z"}, []string{"a", "--context", "z"}, "", false},
		{[]string{"-", "b"}, []string{"-", "b"}, "", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		ctx := fs.String("context", "", "")
		verbose := fs.Bool("verbose", false, "")
		pos, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !slices.Equal(pos, tt.pos) || *ctx != tt.ctx || *verbose != tt.verbose {
			t.Errorf("%q: positional %q, context %q, verbose %v; want %q, %q, %v", tt.args, pos, *ctx, *verbose, tt.pos, tt.ctx, tt.verbose)
		}
	}
}

func TestDateFlags(t *testing.T) {
	t.Parallel()
	var f telnyx.DateFilter
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dateFlags(fs, &f, "created", "created")
	if err := fs.Parse([]string{"--created-on", "2021-04-25", "--created-after", "2021-04-01", "--created-before", "2021-04-30"}); err != nil {
		t.Fatal(err)
	}
	want := telnyx.DateFilter{
		Eq:  telnyx.Date{Year: 2021, Month: time.April, Day: 25},
		Gte: telnyx.Date{Year: 2021, Month: time.April, Day: 1},
		Lte: telnyx.Date{Year: 2021, Month: time.April, Day: 30},
	}
	if f != want {
		t.Errorf("filter %+v, want %+v", f, want)
	}
	if got := fs.Lookup("created-on").Value.String(); got != "2021-04-25" {
		t.Errorf("String() = %q", got)
	}
	for _, bad := range []string{"2021-4-25", "25/04/2021", "2021-02-30", "2021-13-01", "2021-04-25T00:00:00Z", ""} {
		if err := fs.Set("created-on", bad); err == nil {
			t.Errorf("date %q accepted", bad)
		}
	}
}

func TestIDList(t *testing.T) {
	t.Parallel()
	var l idList
	for _, v := range []string{"a", "b, c", "d"} {
		if err := l.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(l, want) {
		t.Errorf("ids %q, want %q", l, want)
	}
	for _, bad := range []string{"", "a,,b", ","} {
		if err := new(idList).Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestCommandsDocumented checks that every command has a summary and shows in the usage.
func TestCommandsDocumented(t *testing.T) {
	t.Parallel()
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
		if c.summary == "" || c.setup == nil {
			t.Errorf("command %q lacks a summary or setup", c.name)
		}
	}
	want := []string{"list", "get", "participants", "end", "kick", "mute", "unmute", "serve", "demo"}
	if !slices.Equal(names, want) {
		t.Errorf("commands %q, want %q", names, want)
	}
}
