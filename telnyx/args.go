package telnyx

import (
	"fmt"
	"strconv"
)

// invalidArg returns an error wrapping ErrInvalidArgument that names the argument.
func invalidArg(name, format string, args ...any) error {
	return &argError{name: name, reason: fmt.Sprintf(format, args...)}
}

// invalidValue is invalidArg for a rejected value, which the message shows (clipped and
// quoted, after the key is scrubbed from it).
func invalidValue(name, value, format string, args ...any) error {
	return &argError{name: name, value: value, hasValue: true, reason: fmt.Sprintf(format, args...)}
}

// argError is a rejected argument; it wraps ErrInvalidArgument.
type argError struct {
	name     string
	value    string
	hasValue bool
	reason   string
}

// Error names the argument, shows the rejected value if any, and says why.
func (e *argError) Error() string {
	s := "telnyx: invalid argument " + e.name + ": "
	if e.hasValue {
		s += strconv.Quote(clip(e.value)) + " "
	}
	return s + e.reason
}

// Unwrap makes errors.Is(err, ErrInvalidArgument) work.
func (e *argError) Unwrap() error { return ErrInvalidArgument }

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
