package telnyx

// cover tracks which part of an offset-paged listing an iterator has read, in the
// listing's numbering as it is now: when total_results drops, the part read shrinks by
// the drop and the pages that may hold skipped items are read again ("Live data" in doc.go).
type cover struct {
	size   int // items per page; 0 until the first page has said
	start  int // offset of the first page asked for (its number - 1 until size is known)
	c      int // every item that matched throughout and sits below offset c has been read
	lo, hi int // items at offsets [lo, hi) have been read as well, beyond a gap (none when hi <= lo)
	total  int // total_results of the last page read; -1 before the first
	pages  int // total_pages of the last page read
	back   int // the farthest a change has moved the items, for the memory of seenIDs
}

// next returns the number of the page to read next.
func (v *cover) next() int {
	if v.size == 0 {
		return v.start + 1
	}
	return v.c/v.size + 1
}

// upcoming returns the next k pages to read when nothing changes, up to the last page:
// those read already beyond a gap are left out.
func (v *cover) upcoming(k int) []int {
	var out []int
	for n := v.next(); len(out) < k && n <= v.pages; n++ {
		if v.hi <= v.lo || (n-1)*v.size < v.lo || n*v.size > v.hi {
			out = append(out, n)
		}
	}
	return out
}

// done reports whether every page there is has been read.
func (v *cover) done() bool { return v.size > 0 && v.next() > v.pages }

// read records the answer to page n: its size, totals and how many of its items had
// been yielded already (repeats).
func (v *cover) read(n, size, total, pages, repeats int) {
	if v.size == 0 { // the first page: offsets are now known
		v.size = size
		v.start *= size
		v.c = v.start
	}
	if v.total >= 0 {
		switch delta := total - v.total; {
		case delta < 0: // items after those that stopped matching moved down into what was read
			v.c = max(v.c+delta, v.start)
			v.hi += delta
			v.back = max(v.back, -delta)
		case delta > 0:
			v.hi = v.lo // where the items read beyond the gap went is unknown: read them again
			v.back = max(v.back, delta)
			if repeats == 0 {
				// Items started matching after the offset: the totals no longer bound what
				// stopped matching before it. Read the page before again (the cheap check).
				v.c = max(v.c-v.size, v.start)
			}
		}
	}
	v.total, v.pages = total, pages
	q, end := (n-1)*v.size, n*v.size
	switch {
	case q <= v.c:
		v.c = max(v.c, end)
	case v.hi > v.lo && q <= v.hi && end >= v.lo:
		v.lo, v.hi = min(v.lo, q), max(v.hi, end)
	default:
		v.lo, v.hi = q, end
	}
	if v.hi > v.lo && v.lo <= v.c {
		v.c = max(v.c, v.hi)
		v.hi = v.lo
	}
}

// seenIDs remembers the ids of the last limit items yielded, to drop an item served
// again after the pages shifted; the limit follows the pages covered and the largest
// shift seen, not the length of the loop.
type seenIDs struct {
	ids   []string       // in the order yielded, oldest first
	count map[string]int // how many times each id is in ids
	limit int
}

// has reports whether id is among the ids remembered.
func (r *seenIDs) has(id string) bool { return r.count[id] > 0 }

// grow raises the limit to n ids.
func (r *seenIDs) grow(n int) { r.limit = max(r.limit, n) }

// add remembers id, forgetting the oldest ids beyond the limit.
func (r *seenIDs) add(id string) {
	if r.count == nil {
		r.count = make(map[string]int)
	}
	r.count[id]++
	r.ids = append(r.ids, id) // a queue: append copies what is remembered once its array is full
	for ; len(r.ids) > r.limit; r.ids = r.ids[1:] {
		if r.count[r.ids[0]]--; r.count[r.ids[0]] <= 0 {
			delete(r.count, r.ids[0])
		}
	}
}
