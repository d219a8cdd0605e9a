package main

import (
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// table writes rows of cells in aligned columns, two spaces apart, measuring cells in
// terminal columns: an East Asian wide or fullwidth character takes two, a combining
// mark none. It holds the header and up to batch rows to size the columns, then
// writes them and every later row at once (a cell wider than its column then pushes
// the rest of that row along), so a stream of rows starts to show after its first
// page. When maxWidth > 0 (stdout is a terminal that wide), each line is cut to fit,
// ending in "…".
type table struct {
	w        io.Writer
	batch    int
	maxWidth int
	widths   []int
	pending  [][]string
	sized    bool
	err      error
}

// newTable returns a table writing to w that sizes its columns on the header and the
// first batch rows; with no header, it writes none.
func newTable(w io.Writer, batch, maxWidth int, header ...string) *table {
	t := &table{w: w, batch: max(batch, 1), maxWidth: maxWidth}
	if len(header) > 0 {
		t.pending = append(t.pending, header)
	}
	return t
}

// atLeast makes the columns at least ws wide, for cells of known width that may
// first appear after the first batch (a time where the first rows had "-").
func (t *table) atLeast(ws ...int) *table {
	for i, w := range ws {
		if i >= len(t.widths) {
			t.widths = append(t.widths, 0)
		}
		t.widths[i] = max(t.widths[i], w)
	}
	return t
}

// row adds a row.
func (t *table) row(cells ...string) error {
	if t.sized {
		t.write(cells)
		return t.err
	}
	t.pending = append(t.pending, cells)
	if len(t.pending) > t.batch {
		t.flushPending()
	}
	return t.err
}

// flush writes whatever rows are held.
func (t *table) flush() error {
	if !t.sized {
		t.flushPending()
	}
	return t.err
}

// flushPending sizes the columns on the rows held and writes them.
func (t *table) flushPending() {
	for _, r := range t.pending {
		for i, c := range r {
			if i >= len(t.widths) {
				t.widths = append(t.widths, 0)
			}
			t.widths[i] = max(t.widths[i], displayWidth(c))
		}
	}
	for _, r := range t.pending {
		t.write(r)
	}
	t.pending, t.sized = nil, true
}

// write writes one row with the current widths.
func (t *table) write(cells []string) {
	if t.err != nil {
		return
	}
	var b strings.Builder
	for i, c := range cells {
		b.WriteString(c)
		if i == len(cells)-1 {
			break
		}
		pad := 2
		if i < len(t.widths) {
			pad += t.widths[i] - displayWidth(c)
		}
		b.WriteString(strings.Repeat(" ", max(pad, 1)))
	}
	line := b.String()
	if t.maxWidth > 0 {
		line = truncate(line, t.maxWidth)
	}
	_, t.err = io.WriteString(t.w, line+"\n")
}

// runeWidth returns how many terminal columns r takes.
func runeWidth(r rune) int {
	switch {
	case r == 0, unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Cf, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// displayWidth returns how many terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// truncate cuts s to at most w terminal columns, ending in "…" when it cut.
func truncate(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	n := 0
	for i, r := range s {
		rw := runeWidth(r)
		if n+rw > w-1 {
			return s[:i] + "…"
		}
		n += rw
	}
	return s
}
