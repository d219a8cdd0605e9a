package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/internal/apijson"
	"github.com/roomsessions/telnyx-go/telnyx"
)

// metaJSON is the pagination of one page in JSON output.
type metaJSON struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// metaOf returns the pagination of page.
func metaOf[T any](page *telnyx.Page[T]) *metaJSON {
	return &metaJSON{page.PageNumber, page.PageSize, page.TotalPages, page.TotalResults}
}

// actionResult is the outcome of an action on one session; it is also its JSON
// output. Participants is "all" or the list of ids; end has neither it nor Exclude.
// Result is "ok", "already ended" (end, on a session that had ended), or with
// --dry-run "would do".
type actionResult struct {
	Result       string   `json:"result"`
	Action       string   `json:"action"`
	SessionID    string   `json:"session_id"`
	Participants any      `json:"participants,omitempty"`
	Exclude      []string `json:"exclude,omitempty"`
}

// listOutput writes a list of items as they arrive, in the format of -o: table rows
// (sized on the first batch), one JSON document {"data":[...],"meta":{...}} whose
// array is written item by item, or one JSON object per line (jsonl). Standard output
// is flushed after each item once anything is visible, so a pipe sees the first
// page as soon as it has come.
type listOutput[T any] struct {
	a      *app
	cells  func(T) []string
	toJSON func(T) any
	tbl    *table
	n      int
	// noFooter leaves out the table's "T results" line.
	noFooter bool
	buf      bytes.Buffer // an item's compact JSON
	ind      bytes.Buffer // the same, indented
}

// newListOutput returns a listOutput whose table has header and sizes its columns on
// the first batch rows (the page size, so the first page shows at once), and makes
// them at least minWidths wide.
func newListOutput[T any](a *app, batch int, header []string, minWidths []int, cells func(T) []string, toJSON func(T) any) *listOutput[T] {
	o := &listOutput[T]{a: a, cells: cells, toJSON: toJSON}
	if a.g.output == formatTable {
		if a.g.noHeaders {
			header = nil
		}
		maxWidth := a.width
		if a.wide {
			maxWidth = 0 // every column, whole, however wide the terminal
		}
		o.tbl = newTable(a.out, batch, maxWidth, header...).atLeast(minWidths...)
	}
	return o
}

// Widths of the cells whose width is known: a UUID, a time in RFC 3339 UTC.
const (
	uuidWidth = 36
	timeWidth = len(time.RFC3339) - len("Z07:00") + len("Z")
)

// add writes one item.
func (o *listOutput[T]) add(item T) error {
	w := o.a.out
	switch o.a.g.output {
	case formatJSON, formatJSONL:
		o.buf.Reset()
		if err := appendJSON(&o.buf, o.toJSON(item)); err != nil {
			return err
		}
		if o.a.g.output == formatJSONL {
			o.buf.WriteByte('\n')
			if _, err := w.Write(o.buf.Bytes()); err != nil {
				return err
			}
			break
		}
		if o.n == 0 {
			w.WriteString("{\n  \"data\": [\n    ")
		} else {
			w.WriteString(",\n    ")
		}
		if err := indentTo(w, &o.ind, o.buf.Bytes(), "    "); err != nil {
			return err
		}
	default:
		if err := o.tbl.row(o.cells(item)...); err != nil {
			return err
		}
		if !o.tbl.sized {
			o.n++
			return nil
		}
	}
	o.n++
	return w.Flush()
}

// end finishes the output: the table's footer ("page N of M, T results" for one page,
// "T results" for --all, when meta is nil), or the end of the JSON document with meta.
func (o *listOutput[T]) end(meta *metaJSON) error {
	w := o.a.out
	switch o.a.g.output {
	case formatJSONL:
	case formatJSON:
		if o.n == 0 {
			w.WriteString("{\n  \"data\": []")
		} else {
			w.WriteString("\n  ]")
		}
		if meta != nil {
			w.WriteString(",\n  \"meta\": ")
			o.buf.Reset()
			if err := appendJSON(&o.buf, meta); err != nil {
				return err
			}
			if err := indentTo(w, &o.ind, o.buf.Bytes(), "  "); err != nil {
				return err
			}
		}
		w.WriteString("\n}\n")
	default:
		if err := o.tbl.flush(); err != nil {
			return err
		}
		switch {
		case o.noFooter:
		case meta == nil:
			fmt.Fprintln(w, plural(o.n, "result"))
		default:
			fmt.Fprintf(w, "page %d of %d, %s\n", meta.PageNumber, meta.TotalPages, plural(meta.TotalResults, "result"))
		}
	}
	return w.Flush()
}

// appendJSON appends v to buf as the API writes JSON (package apijson): every field
// of the models by its json tag, so a property added to the spec shows up with no
// line here, and times in UTC with exactly six fractional digits.
func appendJSON(buf *bytes.Buffer, v any) error {
	b, err := apijson.Append(buf.AvailableBuffer(), v)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

// writeDoc writes v as one JSON document: indented for -o json, one line for jsonl.
func (a *app) writeDoc(v any) error {
	var buf bytes.Buffer
	if err := appendJSON(&buf, v); err != nil {
		return err
	}
	if a.g.output == formatJSONL {
		buf.WriteByte('\n')
		_, err := a.out.Write(buf.Bytes())
		return err
	}
	var ind bytes.Buffer
	if err := indentTo(a.out, &ind, buf.Bytes(), ""); err != nil {
		return err
	}
	return a.out.WriteByte('\n')
}

// indentTo writes the compact JSON src to w indented by two spaces a level, each line
// after the first starting with prefix; scratch is reused between calls.
func indentTo(w io.Writer, scratch *bytes.Buffer, src []byte, prefix string) error {
	scratch.Reset()
	if err := json.Indent(scratch, src, prefix, "  "); err != nil {
		return err
	}
	_, err := w.Write(scratch.Bytes())
	return err
}

// sessionJSON is the session as the JSON output shows it: its participants only when
// they were asked for (and, as in the API's answers, absent when there are none).
func sessionJSON(s telnyx.RoomSession, withParticipants bool) telnyx.RoomSession {
	if !withParticipants {
		s.Participants = nil
	}
	return s
}

// sessionHeader and sessionCells are the columns of the session table. PARTICIPANTS
// is a count, or "-" when participants were not asked for. Times are written in
// timeFormat (time.RFC3339, or shortTime on a narrow terminal).
var sessionHeader = []string{"ID", "ROOM", "ACTIVE", "CREATED", "ENDED", "PARTICIPANTS"}

func sessionCells(withParticipants bool, timeFormat string) func(telnyx.RoomSession) []string {
	return func(s telnyx.RoomSession) []string {
		n := "-"
		if withParticipants {
			n = fmt.Sprint(len(s.Participants))
		}
		return []string{cell(s.ID), cell(s.RoomID), yesNo(s.Active), timeIn(s.CreatedAt, timeFormat), timeIn(s.EndedAt, timeFormat), n}
	}
}

// participantHeader and participantCells are the columns of the participant table.
var participantHeader = []string{"ID", "CONTEXT", "JOINED", "UPDATED", "LEFT"}

func participantCells(p telnyx.RoomParticipant) []string {
	return participantCellsIn(time.RFC3339)(p)
}

func participantCellsIn(timeFormat string) func(telnyx.RoomParticipant) []string {
	return func(p telnyx.RoomParticipant) []string {
		return []string{cell(p.ID), cell(p.Context), timeIn(p.JoinedAt, timeFormat), timeIn(p.UpdatedAt, timeFormat), timeIn(p.LeftAt, timeFormat)}
	}
}

// shortTime is the time format of narrow terminals: minutes, UTC, no zone letter.
const shortTime = "2006-01-02 15:04"

// minContextWidth is the room a participant's context keeps on a narrow terminal.
const minContextWidth = 12

// layout is which columns a table shows, and how it writes times.
type layout struct {
	keep       []int // indexes of the columns shown, in order
	timeFormat string
}

// tableLayout chooses the columns of a table: every one, with RFC 3339 times, for -o
// wide, when stdout is no terminal, or when they fit its width; else times in
// shortTime and, while the row is still too wide, the columns of least priority left
// out (priority lists column indexes, most useful first). widths are the columns'
// widths with RFC 3339 times (0 for text of unknown width); timeCols are the time columns.
func (a *app) tableLayout(widths []int, timeCols []int, priority []int, textMin int) layout {
	all := make([]int, len(widths))
	for i := range all {
		all[i] = i
	}
	rowWidth := func(cols []int, short bool) int {
		n := 2 * (len(cols) - 1)
		for _, c := range cols {
			w := widths[c]
			switch {
			case short && slices.Contains(timeCols, c):
				w = len(shortTime)
			case w == 0:
				w = textMin
			}
			n += w
		}
		return n
	}
	if a.wide || a.width <= 0 || rowWidth(all, false) <= a.width {
		return layout{keep: all, timeFormat: time.RFC3339}
	}
	keep := slices.Clone(priority)
	for len(keep) > 1 && rowWidth(keep, true) > a.width {
		keep = keep[:len(keep)-1]
	}
	slices.Sort(keep) // shown in the table's own order
	return layout{keep: keep, timeFormat: shortTime}
}

// pick returns the items of cells at the indexes of keep.
func pick[T any](cells []T, keep []int) []T {
	out := make([]T, len(keep))
	for i, k := range keep {
		out[i] = cells[k]
	}
	return out
}

// sessionOutput returns the output of a list of sessions. On a narrow terminal the
// table keeps ID, ACTIVE, CREATED and ENDED whole (PARTICIPANTS too when asked for) and
// leaves out what does not fit, ROOM first; -o wide shows every column.
func (a *app) sessionOutput(batch int, withParticipants bool) *listOutput[telnyx.RoomSession] {
	widths := []int{uuidWidth, uuidWidth, len("ACTIVE"), timeWidth, timeWidth, len("PARTICIPANTS")}
	priority := []int{0, 2, 3, 4, 1, 5}
	if withParticipants {
		priority = []int{0, 2, 3, 4, 5, 1}
	}
	lay := a.tableLayout(widths, []int{3, 4}, priority, 0)
	cells := sessionCells(withParticipants, lay.timeFormat)
	return newListOutput(a, batch, pick(sessionHeader, lay.keep), pick(minWidthsFor(widths, lay, []int{3, 4}), lay.keep),
		func(s telnyx.RoomSession) []string { return pick(cells(s), lay.keep) },
		func(s telnyx.RoomSession) any { return sessionJSON(s, withParticipants) })
}

// participantOutput returns the output of a list of participants. On a narrow terminal
// UPDATED goes first, then LEFT.
func (a *app) participantOutput(batch int) *listOutput[telnyx.RoomParticipant] {
	widths := []int{uuidWidth, 0, timeWidth, timeWidth, timeWidth}
	lay := a.tableLayout(widths, []int{2, 3, 4}, []int{0, 1, 2, 4, 3}, minContextWidth)
	cells := participantCellsIn(lay.timeFormat)
	return newListOutput(a, batch, pick(participantHeader, lay.keep), pick(minWidthsFor(widths, lay, []int{2, 3, 4}), lay.keep),
		func(p telnyx.RoomParticipant) []string { return pick(cells(p), lay.keep) },
		func(p telnyx.RoomParticipant) any { return p })
}

// minWidthsFor returns the minimum widths of the columns under lay (time columns
// narrower with short times), as newListOutput takes them.
func minWidthsFor(widths []int, lay layout, timeCols []int) []int {
	out := slices.Clone(widths)
	if lay.timeFormat == shortTime {
		for _, c := range timeCols {
			out[c] = len(shortTime)
		}
	}
	return out
}

// printSession prints one session, with its participants when they were asked for.
func (a *app) printSession(w io.Writer, s *telnyx.RoomSession, withParticipants bool) error {
	if a.g.output != formatTable {
		if a.g.output == formatJSONL {
			return a.writeDoc(sessionJSON(*s, withParticipants))
		}
		return a.writeDoc(struct {
			Data telnyx.RoomSession `json:"data"`
		}{sessionJSON(*s, withParticipants)})
	}
	field := func(name, value string) { fmt.Fprintf(w, "%-15s%s\n", name+":", value) }
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
		fmt.Fprintln(w)
		return writeParticipantTable(w, a.width, s.Participants, nil)
	}
	return nil
}

// printAction confirms an action: one line in a table, an object in JSON.
func (a *app) printAction(r actionResult) error {
	if r.Result == "" {
		r.Result = "ok"
	}
	if a.g.output != formatTable {
		if err := a.writeDoc(r); err != nil {
			return err
		}
		return a.out.Flush()
	}
	if _, err := fmt.Fprintln(a.out, confirmation(r)); err != nil {
		return err
	}
	return a.out.Flush()
}

// confirmation is the one-line summary of an action, such as
// "muted everyone except 1b2c... in session 3f4e...".
func confirmation(r actionResult) string {
	if r.Action == "end" {
		switch r.Result {
		case resultAlreadyEnded:
			return "session " + cell(r.SessionID) + " had already ended"
		case resultDryRun:
			return "would end session " + cell(r.SessionID)
		}
		return "ended session " + cell(r.SessionID)
	}
	verb := map[string]string{"kick": "kicked", "mute": "muted", "unmute": "unmuted"}[r.Action]
	if r.Result == resultDryRun {
		verb = "would " + r.Action
	}
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

// Results of an action other than "ok".
const (
	resultAlreadyEnded = "already ended"
	resultDryRun       = "would do"
)

// writeParticipantTable writes participants as a table; extra, when not nil, adds a
// last column named by its first value and filled by calling it (the demo's MUTED).
func writeParticipantTable(w io.Writer, maxWidth int, ps []telnyx.RoomParticipant, extra *column) error {
	head := participantHeader
	if extra != nil {
		head = append(head[:len(head):len(head)], extra.name)
	}
	t := newTable(w, len(ps), maxWidth, head...)
	for _, p := range ps {
		cells := participantCells(p)
		if extra != nil {
			cells = append(cells, cell(extra.value(p)))
		}
		if err := t.row(cells...); err != nil {
			return err
		}
	}
	return t.flush()
}

// column is an extra table column.
type column struct {
	name  string
	value func(telnyx.RoomParticipant) string
}

// plural returns "1 result" or "n results".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// timeCell formats t as RFC 3339 in UTC, or "-" when absent.
func timeCell(t time.Time) string { return timeIn(t, time.RFC3339) }

// timeIn formats t in UTC with layout, or "-" when absent.
func timeIn(t time.Time, layout string) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(layout)
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
