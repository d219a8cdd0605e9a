package telnyxtest

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// This file reads the query: pages and filters.

// Pagination defaults and limits of the two list operations, from api/openapi.yaml
// (telnyx/limits.gen.go). A value outside them never reaches parsePage: the request's
// validation against the spec answers it with a 400.
const (
	defaultPageNumber = telnyx.PageNumberDefault
	minPageNumber     = telnyx.PageNumberMin
	defaultPageSize   = telnyx.PageSizeDefault
	minPageSize       = telnyx.PageSizeMin
	maxPageSize       = telnyx.PageSizeMax
)

// firstValue returns the value kin-openapi validated for a plain query parameter: the
// first non-empty one.
func firstValue(q url.Values, key string) string {
	for _, v := range q[key] {
		if v != "" {
			return v
		}
	}
	return ""
}

// boolParam reads a validated boolean.
func boolParam(s string) (value, set bool) {
	b, err := strconv.ParseBool(s)
	return b, err == nil
}

// page is a requested page of a list.
type page struct{ number, size int64 }

func parsePage(q url.Values) page {
	p := page{number: defaultPageNumber, size: defaultPageSize}
	props, _ := deepObject(q, "page")
	if n, err := strconv.ParseInt(props["number"], 10, 64); err == nil && n >= minPageNumber {
		p.number = n
	}
	if n, err := strconv.ParseInt(props["size"], 10, 64); err == nil && n >= minPageSize && n <= maxPageSize {
		p.size = n
	}
	return p
}

// bounds returns the indexes [lo, hi) of the page among total results and its meta.
func (p page) bounds(total int) (lo, hi int, meta wireMeta) {
	t := int64(total)
	meta = wireMeta{
		PageNumber:   p.number,
		PageSize:     p.size,
		TotalPages:   (t + p.size - 1) / p.size,
		TotalResults: t,
	}
	if p.number > meta.TotalPages {
		return total, total, meta
	}
	lo64 := (p.number - 1) * p.size
	return int(lo64), int(min(lo64+p.size, t)), meta
}

// dateFilter is filter[...][eq|gte|lte]: calendar dates, compared in UTC.
type dateFilter struct{ eq, gte, lte string }

func parseDateFilter(props map[string]string, field string) dateFilter {
	return dateFilter{
		eq:  props[field+"\x1feq"],
		gte: props[field+"\x1fgte"],
		lte: props[field+"\x1flte"],
	}
}

func (f dateFilter) set() bool { return f.eq != "" || f.gte != "" || f.lte != "" }

// match reports whether t passes the filter. A filter on an absent time (ended_at of an
// active session, left_at of a present participant) excludes the record.
func (f dateFilter) match(t time.Time) bool {
	if !f.set() {
		return true
	}
	if t.IsZero() {
		return false
	}
	d := t.UTC().Format(time.DateOnly)
	return (f.eq == "" || d == f.eq) && (f.gte == "" || d >= f.gte) && (f.lte == "" || d <= f.lte)
}

type sessionFilter struct {
	roomID                    string
	active, activeSet         bool
	created, updated, endedAt dateFilter
}

func (f sessionFilter) match(s *Session) bool {
	return (f.roomID == "" || strings.EqualFold(f.roomID, s.RoomID)) &&
		(!f.activeSet || f.active == s.Active) &&
		f.created.match(s.CreatedAt) && f.updated.match(s.UpdatedAt) && f.endedAt.match(s.EndedAt)
}
