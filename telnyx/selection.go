package telnyx

import (
	"fmt"
	"slices"
	"strings"
)

// Selection says which participants Kick, Mute or Unmute act on. Build one with
// [AllParticipants] or [Participants], optionally narrowed with [Selection.Except].
// The zero Selection selects nobody and is rejected.
type Selection struct {
	all    bool
	ids    []string
	except []string
}

// AllParticipants selects every participant: {"participants":"all"}.
func AllParticipants() Selection { return Selection{all: true} }

// Participants selects the participants with these ids: {"participants":[...]}.
func Participants(ids ...string) Selection { return Selection{ids: slices.Clone(ids)} }

// Except returns a copy of s that leaves out these participant ids ("exclude").
func (s Selection) Except(ids ...string) Selection {
	s.ids = slices.Clip(s.ids)
	s.except = append(slices.Clip(s.except), ids...)
	return s
}

// IsZero reports whether s selects nobody (and would be rejected).
func (s Selection) IsZero() bool { return !s.all && len(s.ids) == 0 }

// String describes the selection, such as "all except [id]".
func (s Selection) String() string {
	var b strings.Builder
	switch {
	case s.all:
		b.WriteString("all")
	case len(s.ids) > 0:
		fmt.Fprintf(&b, "%v", s.ids)
	default:
		b.WriteString("nobody")
	}
	if len(s.except) > 0 {
		fmt.Fprintf(&b, " except %v", s.except)
	}
	return b.String()
}

// validate checks that s names someone and that every id is a UUID.
func (s Selection) validate() error {
	if s.IsZero() {
		return invalidArg("who", "the selection names nobody; use telnyx.AllParticipants() or telnyx.Participants(ids...)")
	}
	for i, id := range s.ids {
		if !isUUID(id) {
			return invalidValue(fmt.Sprintf("who: participant id [%d]", i), id, "is not a UUID")
		}
	}
	for i, id := range s.except {
		if !isUUID(id) {
			return invalidValue(fmt.Sprintf("who: excepted id [%d]", i), id, "is not a UUID")
		}
	}
	return nil
}
