package telnyx

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/roomsessions/telnyx-go/gen"
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
	s.except = append(slices.Clip(s.except), ids...)
	return s
}

// IsZero reports whether s selects nobody (and would be rejected).
func (s Selection) IsZero() bool { return !s.all && len(s.ids) == 0 }

// String describes the selection, such as "all except [id]".
func (s Selection) String() string {
	who := "nobody"
	if s.all {
		who = "all"
	} else if len(s.ids) > 0 {
		who = fmt.Sprint(s.ids)
	}
	if len(s.except) > 0 {
		who += fmt.Sprintf(" except %v", s.except)
	}
	return who
}

// wire checks that s names someone by UUIDs and converts it to the action body.
func (s Selection) wire() (gen.ActionsParticipantsRequest, error) {
	var body gen.ActionsParticipantsRequest
	if s.IsZero() {
		return body, invalidArg("who", "the selection names nobody; use telnyx.AllParticipants() or telnyx.Participants(ids...)")
	}
	var w wirer
	ids, except := w.uuids("participant id", s.ids), w.uuids("excepted id", s.except)
	if w.err != nil {
		return body, w.err
	}
	if len(except) > 0 {
		body.Exclude = &except
	}
	if s.all {
		w.err = body.Participants.FromAllParticipantsKeyword(gen.AllParticipantsKeywordAll)
	} else {
		w.err = body.Participants.FromParticipantIDList(ids)
	}
	return body, w.err
}

// uuids converts ids, naming the first that is not a UUID by what and its index.
func (w *wirer) uuids(what string, ids []string) []openapi_types.UUID {
	out := make([]openapi_types.UUID, len(ids))
	for i, id := range ids {
		if w.err == nil && !isUUID(id) {
			w.err = invalidValue(fmt.Sprintf("who: %s [%d]", what, i), id, "is not a UUID")
		}
		out[i], _ = uuid.Parse(id) // an id isUUID refuses has set w.err
	}
	return out
}
