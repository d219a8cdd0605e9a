package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// dateValue is a flag holding a calendar date, YYYY-MM-DD, as the API compares it (UTC).
type dateValue struct{ d *telnyx.Date }

// String returns the date as YYYY-MM-DD, or "" when unset.
func (d dateValue) String() string {
	if d.d == nil || d.d.IsZero() {
		return ""
	}
	return d.d.String()
}

// Set parses s as YYYY-MM-DD.
func (d dateValue) Set(s string) error {
	v, err := telnyx.ParseDate(s)
	if err != nil {
		return errors.New("want a date as YYYY-MM-DD")
	}
	*d.d = v
	return nil
}

// Type names the value in the usage.
func (dateValue) Type() string { return "DATE" }

// dateFlags defines PREFIX-on, PREFIX-after and PREFIX-before, which set f.Eq, f.Gte
// and f.Lte: the API's eq, gte and lte, so after and before include DATE itself.
func dateFlags(fs *pflag.FlagSet, f *telnyx.DateFilter, prefix, what string) {
	fs.Var(dateValue{&f.Eq}, prefix+"-on", what+" on DATE (YYYY-MM-DD, UTC)")
	fs.Var(dateValue{&f.Gte}, prefix+"-after", what+" on or after DATE (inclusive)")
	fs.Var(dateValue{&f.Lte}, prefix+"-before", what+" on or before DATE (inclusive)")
}

// pageFlags defines --page and --page-size.
func pageFlags(fs *pflag.FlagSet, number, size *int) {
	fs.IntVar(number, "page", 0, "page `N` (default 1; with --all, the first page)")
	fs.IntVar(size, "page-size", 0, fmt.Sprintf("`N` results per page, %d..%d (default %d; %d with --all)",
		telnyx.PageSizeMin, telnyx.PageSizeMax, telnyx.PageSizeDefault, allPageSize))
}

// activeFlags defines --active and --inactive. Either may be given a value:
// --active=false means the same as --inactive.
type activeFlags struct {
	active, inactive bool
	fs               *pflag.FlagSet
}

// define adds the two flags to fs.
func (f *activeFlags) define(fs *pflag.FlagSet, what string) {
	f.fs = fs
	fs.BoolVar(&f.active, "active", false, "only active "+what+" (--active=false: only ended ones)")
	fs.BoolVar(&f.inactive, "inactive", false, "only ended "+what+" (--inactive=false: only active ones)")
}

// value returns the filter the flags ask for: nil for either.
func (f *activeFlags) value() (*bool, error) {
	a, i := f.fs.Changed("active"), f.fs.Changed("inactive")
	switch {
	case a && i && f.active == f.inactive:
		return nil, usagef("--active and --inactive exclude each other")
	case a:
		return telnyx.Bool(f.active), nil
	case i:
		return telnyx.Bool(!f.inactive), nil
	}
	return nil, nil
}

// idList is a repeatable flag of ids; a value may also hold several, comma-separated.
type idList []string

// String returns the ids, comma-separated.
func (l *idList) String() string { return strings.Join(*l, ",") }

// Set adds the ids of s, which may hold several, comma-separated.
func (l *idList) Set(s string) error {
	for id := range strings.SplitSeq(s, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			return errors.New("empty id")
		}
		*l = append(*l, id)
	}
	return nil
}

// Type names the value in the usage.
func (l *idList) Type() string { return "ID" }

// argNames maps the argument names in the SDK's ErrInvalidArgument messages to what
// the command line calls them. Date filters are mapped by datePrefixes.
var argNames = map[string]string{
	"id":          "SESSION_ID",
	"sessionID":   "SESSION_ID",
	"RoomID":      "--room",
	"PageNumber":  "--page",
	"PageSize":    "--page-size",
	"who":         "--everyone or --participant",
	"max retries": "--max-retries",
	"timeout":     "--timeout",
	"base url":    "--base-url",
	"api key":     "--api-key",
}

// datePrefixes maps the SDK's date-filter names to the flag prefixes.
var datePrefixes = map[string]string{
	"CreatedAt": "--created", "UpdatedAt": "--updated", "EndedAt": "--ended",
	"JoinedAt": "--joined", "LeftAt": "--left",
}

// dateBounds maps a DateFilter field to the flag suffix.
var dateBounds = map[string]string{"Eq": "-on", "Gte": "-after", "Lte": "-before"}

// sdkArg matches the start of the SDK's message for a rejected argument.
var sdkArg = regexp.MustCompile(`^telnyx: invalid argument (who: participant id \[\d+\]|who: excepted id \[\d+\]|[A-Za-z]+(?:\.[A-Za-z]+)?|[a-z]+ [a-z]+): `)

// flagNames rewrites an SDK error about an argument so that it names the flag or
// positional argument the user typed ("--page-size", not "PageSize"). A message it
// does not recognise is returned unchanged.
func flagNames(cmd, msg string) string {
	m := sdkArg.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	rest := msg[len(m[0]):]
	name := m[1]
	var flag string
	switch {
	case strings.HasPrefix(name, "who: participant id"):
		flag = "--participant"
	case strings.HasPrefix(name, "who: excepted id"):
		flag = "--except"
	case strings.Contains(name, "."):
		field, bound, _ := strings.Cut(name, ".")
		p, ok1 := datePrefixes[field]
		s, ok2 := dateBounds[bound]
		if !ok1 || !ok2 {
			return msg
		}
		flag = p + s
	default:
		var ok bool
		if flag, ok = argNames[name]; !ok {
			return msg
		}
		if flag == "SESSION_ID" && cmd == "get" {
			flag = "ID"
		}
	}
	return "invalid " + flag + ": " + rest
}

// pflagValue matches pflag's message for a flag value it could not parse.
var pflagValue = regexp.MustCompile(`^invalid argument "(.*)" for "(.*?)" flag: (.*)$`)

// sdkTerms are the SDK's names for things in its messages, and what the command line
// calls them.
var sdkTerms = strings.NewReplacer(
	"telnyx.WithAPIKey", "--api-key",
	"telnyx.WithPlainHTTP()", "--plain-http (or $"+envPlainHTTP+")",
	"telnyx.WithPlainHTTP", "--plain-http",
	"telnyx.WithBaseURL", "--base-url",
	"telnyx.WithTimeout", "--timeout",
	"telnyx.WithMaxRetries", "--max-retries",
)

// flagTerms rewrites a message in Go's terms into the command line's: a flag value
// strconv or time could not parse says what the flag wants ("invalid --active: want
// true or false, not "maybe""), and the SDK's option names become flags.
func flagTerms(msg string) string {
	if m := pflagValue.FindStringSubmatch(msg); m != nil {
		value, flag, cause := m[1], m[2], m[3]
		flag = strings.SplitN(flag, " ", 2)[0] // "-o, --output" is given as "-o"... keep the first
		var want string
		switch {
		case strings.Contains(cause, "ParseBool"):
			want = "true or false"
		case strings.Contains(cause, "ParseInt"), strings.Contains(cause, "ParseUint"):
			want = "a whole number"
			if strings.Contains(cause, "out of range") {
				want = "a whole number in range"
			}
		case strings.Contains(cause, "ParseFloat"):
			want = "a number"
		case strings.Contains(cause, "duration"):
			want = "a duration such as 30s, 2m or 1h30m"
		}
		if want != "" {
			return fmt.Sprintf("invalid %s: want %s, not %q", flag, want, value)
		}
		return fmt.Sprintf("invalid %s %q: %s", flag, value, cause)
	}
	return sdkTerms.Replace(msg)
}
