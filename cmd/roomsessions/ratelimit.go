package main

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// rateLimitValue is serve's --rate-limit N/DURATION: N requests per fixed window of
// DURATION (1000/5s, 60/1m, 10/s), enforced account-wide by the fake.
type rateLimitValue struct {
	n      int
	window time.Duration
}

// String returns the limit as N/DURATION, or "" when unset.
func (v *rateLimitValue) String() string {
	if v.n == 0 {
		return ""
	}
	return strconv.Itoa(v.n) + "/" + v.window.String()
}

// Set parses N/DURATION: N a positive integer, DURATION a positive Go duration, whose
// leading 1 may be left out (10/s is 10/1s).
func (v *rateLimitValue) Set(s string) error {
	count, dur, found := strings.Cut(strings.TrimSpace(s), "/")
	if !found {
		return errors.New("want N/DURATION, for example 1000/5s")
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		return errors.New("want N/DURATION with N a positive integer, for example 1000/5s")
	}
	if dur != "" && (dur[0] < '0' || dur[0] > '9') && dur[0] != '.' {
		dur = "1" + dur
	}
	window, err := time.ParseDuration(dur)
	if err != nil || window <= 0 {
		return errors.New("want N/DURATION with a positive DURATION such as 5s, 1m or 500ms, for example 1000/5s")
	}
	v.n, v.window = n, window
	return nil
}

// Type names the value in the usage.
func (*rateLimitValue) Type() string { return "N/DURATION" }

// option is the fake's option for the limit; unset, the fake is unlimited.
func (v *rateLimitValue) option() telnyxtest.Option {
	return telnyxtest.WithRateLimit(v.n, v.window)
}
