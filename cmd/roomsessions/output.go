package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// Output formats of -o.
const (
	formatTable = "table"
	formatJSON  = "json"
)

// The JSON output has its own types, so its field names stay stable whatever the SDK
// does: snake_case, absent times left out, times in RFC 3339 UTC.

// sessionJSON is a room session in JSON output.
type sessionJSON struct {
	ID           string            `json:"id"`
	RoomID       string            `json:"room_id"`
	Active       bool              `json:"active"`
	CreatedAt    time.Time         `json:"created_at,omitzero"`
	UpdatedAt    time.Time         `json:"updated_at,omitzero"`
	EndedAt      time.Time         `json:"ended_at,omitzero"`
	Participants []participantJSON `json:"participants,omitzero"` // [] when asked for and none
}

// participantJSON is a participant in JSON output.
type participantJSON struct {
	ID        string    `json:"id"`
	SessionID string    `json:"session_id"`
	Context   string    `json:"context"`
	JoinedAt  time.Time `json:"joined_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	LeftAt    time.Time `json:"left_at,omitzero"`
}

// metaJSON is the pagination of one page in JSON output.
type metaJSON struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// listJSON is the JSON output of a list: meta for one page, none with --all.
type listJSON[T any] struct {
	Data []T       `json:"data"`
	Meta *metaJSON `json:"meta,omitempty"`
}

// itemJSON is the JSON output of get.
type itemJSON[T any] struct {
	Data T `json:"data"`
}

// actionResult is the outcome of end, kick, mute or unmute; it is also their JSON
// output. Participants is "all" or the list of ids; end has neither it nor Exclude.
type actionResult struct {
	Result       string   `json:"result"`
	Action       string   `json:"action"`
	SessionID    string   `json:"session_id"`
	Participants any      `json:"participants,omitempty"`
	Exclude      []string `json:"exclude,omitempty"`
}

// toSessionJSON converts a session; its participants only when they were asked for.
func toSessionJSON(s telnyx.RoomSession, withParticipants bool) sessionJSON {
	out := sessionJSON{
		ID: s.ID, RoomID: s.RoomID, Active: s.Active,
		CreatedAt: utc(s.CreatedAt), UpdatedAt: utc(s.UpdatedAt), EndedAt: utc(s.EndedAt),
	}
	if withParticipants {
		out.Participants = make([]participantJSON, 0, len(s.Participants))
		for _, p := range s.Participants {
			out.Participants = append(out.Participants, toParticipantJSON(p))
		}
	}
	return out
}

// toParticipantJSON converts a participant.
func toParticipantJSON(p telnyx.RoomParticipant) participantJSON {
	return participantJSON{
		ID: p.ID, SessionID: p.SessionID, Context: p.Context,
		JoinedAt: utc(p.JoinedAt), UpdatedAt: utc(p.UpdatedAt), LeftAt: utc(p.LeftAt),
	}
}

// metaOf returns the pagination of page, or nil when there is no page (--all).
func metaOf[T any](page *telnyx.Page[T]) *metaJSON {
	if page == nil {
		return nil
	}
	return &metaJSON{page.PageNumber, page.PageSize, page.TotalPages, page.TotalResults}
}

// writeJSON writes v as one indented JSON document.
func (a *app) writeJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printSessions prints sessions: one page (page != nil) or all of them (--all).
func (a *app) printSessions(ss []telnyx.RoomSession, page *telnyx.Page[telnyx.RoomSession], withParticipants bool) error {
	if a.g.output == formatJSON {
		data := make([]sessionJSON, 0, len(ss))
		for _, s := range ss {
			data = append(data, toSessionJSON(s, withParticipants))
		}
		return a.writeJSON(listJSON[sessionJSON]{Data: data, Meta: metaOf(page)})
	}
	if err := writeSessionTable(a.stdout, ss, withParticipants); err != nil {
		return err
	}
	return writeFooter(a.stdout, metaOf(page), len(ss))
}

// printSession prints one session, with its participants when they were asked for.
func (a *app) printSession(s *telnyx.RoomSession, withParticipants bool) error {
	if a.g.output == formatJSON {
		return a.writeJSON(itemJSON[sessionJSON]{Data: toSessionJSON(*s, withParticipants)})
	}
	field := func(name, value string) { fmt.Fprintf(a.stdout, "%-15s%s\n", name+":", value) }
	field("ID", cell(s.ID))
	field("ROOM", cell(s.RoomID))
	field("ACTIVE", yesNo(s.Active))
	field("CREATED", timeCell(s.CreatedAt))
	field("UPDATED", timeCell(s.UpdatedAt))
	field("ENDED", timeCell(s.EndedAt))
	if withParticipants {
		field("PARTICIPANTS", fmt.Sprint(len(s.Participants)))
	}
	if withParticipants && len(s.Participants) > 0 {
		fmt.Fprintln(a.stdout)
		return writeParticipantTable(a.stdout, s.Participants, nil)
	}
	return nil
}

// printParticipants prints participants: one page (page != nil) or all (--all).
func (a *app) printParticipants(ps []telnyx.RoomParticipant, page *telnyx.Page[telnyx.RoomParticipant]) error {
	if a.g.output == formatJSON {
		data := make([]participantJSON, 0, len(ps))
		for _, p := range ps {
			data = append(data, toParticipantJSON(p))
		}
		return a.writeJSON(listJSON[participantJSON]{Data: data, Meta: metaOf(page)})
	}
	if err := writeParticipantTable(a.stdout, ps, nil); err != nil {
		return err
	}
	return writeFooter(a.stdout, metaOf(page), len(ps))
}

// printAction confirms an action: one line in a table, an object in JSON.
func (a *app) printAction(r actionResult) error {
	r.Result = "ok"
	if a.g.output == formatJSON {
		return a.writeJSON(r)
	}
	_, err := fmt.Fprintln(a.stdout, confirmation(r))
	return err
}

// confirmation is the one-line summary of an action, such as
// "muted everyone except 1b2c... in session 3f4e...".
func confirmation(r actionResult) string {
	if r.Action == "end" {
		return "ended session " + cell(r.SessionID)
	}
	verb := map[string]string{"kick": "kicked", "mute": "muted", "unmute": "unmuted"}[r.Action]
	var who string
	switch p := r.Participants.(type) {
	case string:
		who = "everyone"
	case []string:
		who = "participant "
		if len(p) > 1 {
			who = "participants "
		}
		who += cell(strings.Join(p, ", "))
	}
	if len(r.Exclude) > 0 {
		who += " except " + cell(strings.Join(r.Exclude, ", "))
	}
	return fmt.Sprintf("%s %s in session %s", verb, who, cell(r.SessionID))
}

// writeSessionTable writes sessions as a table. PARTICIPANTS is a count, or "-" when
// participants were not asked for.
func writeSessionTable(w io.Writer, ss []telnyx.RoomSession, withParticipants bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROOM\tACTIVE\tCREATED\tENDED\tPARTICIPANTS")
	for _, s := range ss {
		n := "-"
		if withParticipants {
			n = fmt.Sprint(len(s.Participants))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			cell(s.ID), cell(s.RoomID), yesNo(s.Active), timeCell(s.CreatedAt), timeCell(s.EndedAt), n)
	}
	return tw.Flush()
}

// writeParticipantTable writes participants as a table; extra, when not nil, adds a
// last column named by its first value and filled by calling it (the demo's MUTED).
func writeParticipantTable(w io.Writer, ps []telnyx.RoomParticipant, extra *column) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "ID\tCONTEXT\tJOINED\tUPDATED\tLEFT"
	if extra != nil {
		head += "\t" + extra.name
	}
	fmt.Fprintln(tw, head)
	for _, p := range ps {
		row := strings.Join([]string{cell(p.ID), cell(p.Context), timeCell(p.JoinedAt), timeCell(p.UpdatedAt), timeCell(p.LeftAt)}, "\t")
		if extra != nil {
			row += "\t" + cell(extra.value(p))
		}
		fmt.Fprintln(tw, row)
	}
	return tw.Flush()
}

// column is an extra table column.
type column struct {
	name  string
	value func(telnyx.RoomParticipant) string
}

// writeFooter writes "page N of M, T results" for one page, "T results" for --all.
func writeFooter(w io.Writer, meta *metaJSON, n int) error {
	var err error
	if meta == nil {
		_, err = fmt.Fprintln(w, plural(n, "result"))
	} else {
		_, err = fmt.Fprintf(w, "page %d of %d, %s\n", meta.PageNumber, meta.TotalPages, plural(meta.TotalResults, "result"))
	}
	return err
}

// plural returns "1 result" or "n results".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// timeCell formats t as RFC 3339 in UTC, or "-" when absent.
func timeCell(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// utc returns t in UTC, keeping a zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// yesNo is "yes" or "no".
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// cell makes a server-provided string safe for a table: control characters (tabs,
// newlines, terminal escapes) become spaces, and "" becomes "-".
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return printable(s)
}
