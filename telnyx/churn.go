package telnyx

// This file holds what keeps an iterator right while the listing changes under it:
// which page to read next (cover) and which items were already yielded (seenIDs). See
// "Live data" in doc.go for what it guarantees and what offset paging cannot see.

// cover tracks which part of an offset-paged listing an iterator has read, in the
// numbering of the listing as it is now. Items that stop matching before the offset
// move every later item down; the answers' total_results tell by how much at most (as
// long as no item starts matching after the offset meanwhile), so the part read is
// shrunk by the drop and the pages that may now hold skipped items are read again.
type cover struct {
	size   int // items per page; 0 until the first page has said
	start  int // offset of the first page asked for: nothing before it is read
	c      int // every item that matched throughout and sits below offset c has been read
	lo, hi int // items at offsets [lo, hi) have been read as well, beyond a gap (none when hi <= lo)
	total  int // total_results of the last page read; -1 before the first
	pages  int // total_pages of the last page read
	back   int // the farthest a change has moved the items, for the memory of seenIDs
}

// newCover returns the cover of a loop starting at page first.
func newCover(first int) cover {
	return cover{start: first - 1, total: -1}
}

// next returns the number of the page to read next.
func (v *cover) next() int {
	if v.size == 0 {
		return v.start + 1 // start holds the page number until the size is known
	}
	return v.c/v.size + 1
}

// upcoming returns the numbers of the next k pages to read when nothing changes: from
// next on, the pages read beyond a gap left out, up to the last page.
func (v *cover) upcoming(k int) []int {
	var out []int
	for n := v.next(); len(out) < k && n <= v.pages; n++ {
		if !v.pending(n) {
			out = append(out, n)
		}
	}
	return out
}

// pending reports whether page n has been read already, beyond a gap: when nothing
// changes, the loop skips it once the gap is read.
func (v *cover) pending(n int) bool {
	return v.hi > v.lo && (n-1)*v.size >= v.lo && n*v.size <= v.hi
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
		case delta < 0:
			// Items before the offset may have stopped matching: everything after them
			// moved down by up to -delta, into what was read.
			v.c = max(v.c+delta, v.start)
			v.hi += delta
			v.back = max(v.back, -delta)
		case delta > 0:
			v.hi = v.lo // where the items read beyond the gap went is unknown: read them again
			v.back = max(v.back, delta)
			if repeats == 0 {
				// The total grew, yet nothing read before moved onto this page: items
				// started matching after the offset, so the totals no longer bound what
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

// seenIDs remembers the ids of the last items yielded, to drop an item a live API
// serves again after the pages shifted. It holds ids, not items, and at most limit of
// them, so its size is bounded by the pages it covers, not by the length of the loop;
// the limit grows with the largest shift seen.
type seenIDs struct {
	ring  []string       // ids in the order yielded, oldest at head
	head  int            // index of the oldest id in ring, once full
	count map[string]int // how many times each id is in ring
	limit int
}

// has reports whether id is among the ids remembered.
func (r *seenIDs) has(id string) bool { return r.count[id] > 0 }

// grow raises the limit to n ids.
func (r *seenIDs) grow(n int) {
	if n <= r.limit {
		return
	}
	if len(r.ring) == r.limit && r.head > 0 { // full: put the oldest first again
		r.ring = append(r.ring[r.head:], r.ring[:r.head]...)
		r.head = 0
	}
	r.limit = n
}

// add remembers id, forgetting the oldest id beyond the limit.
func (r *seenIDs) add(id string) {
	if r.count == nil {
		r.count = make(map[string]int)
	}
	r.count[id]++
	if len(r.ring) < r.limit {
		r.ring = append(r.ring, id)
		return
	}
	old := r.ring[r.head]
	if r.count[old]--; r.count[old] <= 0 {
		delete(r.count, old)
	}
	r.ring[r.head] = id
	r.head = (r.head + 1) % r.limit
}
