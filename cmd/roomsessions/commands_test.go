package main

import (
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/roomsessions/telnyx-go/telnyx"
)

func TestDateFlags(t *testing.T) {
	t.Parallel()
	var f telnyx.DateFilter
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
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

// TestCommandsDocumented checks the real usage output: every command is listed with
// its summary by -h, and each command's own -h shows its usage line and an example.
func TestCommandsDocumented(t *testing.T) {
	t.Parallel()
	want := []string{"list", "get", "participants", "end", "kick", "mute", "unmute", "serve", "webhooks", "demo", "completion"}
	top := runEnv(t, envOf(), "", "-h")
	wantCode(t, top, exitOK)
	a := newApp(envOf(), nil, io.Discard, io.Discard)
	root := a.rootCommand()
	for _, name := range want {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Errorf("command %q not found: %v", name, err)
			continue
		}
		line := regexp.MustCompile(`(?m)^  ` + name + ` +` + regexp.QuoteMeta(cmd.Short) + `$`)
		if !line.MatchString(top.stdout) {
			t.Errorf("roomsessions -h does not list %q with its summary %q:\n%s", name, cmd.Short, top.stdout)
		}
		if name == "completion" {
			continue
		}
		r := runEnv(t, envOf(), "", name, "-h")
		wantCode(t, r, exitOK)
		for _, w := range []string{"Usage:\n  roomsessions " + name, "Examples:\n  roomsessions " + name, "Global Flags:", "--output FORMAT"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s -h does not show %q:\n%s", name, w, r.stdout)
			}
		}
	}
	var listed []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			listed = append(listed, c.Name())
		}
	}
	slices.Sort(listed)
	sorted := slices.Sorted(slices.Values(want))
	if !slices.Equal(listed, sorted) {
		t.Errorf("commands %q, want %q", listed, sorted)
	}
}
