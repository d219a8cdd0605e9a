package telnyx

import (
	"fmt"
	"time"
)

// Date is a calendar date as the API's date filters take it: YYYY-MM-DD, compared in
// UTC. The zero Date means "unset" in a [DateFilter]. Build one from an instant with
// [DateOf], from text with [ParseDate], or as a literal:
//
//	telnyx.Date{Year: 2026, Month: time.March, Day: 2}
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the UTC calendar date of t, the date the API compares t's records by
// (see "Dates" in the package documentation).
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses s as YYYY-MM-DD. An error wraps [ErrInvalidArgument].
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return Date{}, invalidValue("date", s, "is not a date as YYYY-MM-DD")
	}
	d := DateOf(t)
	if err := d.check("date"); err != nil {
		return Date{}, err
	}
	return d, nil
}

// String returns the date as YYYY-MM-DD (the zero Date is "0000-00-00").
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date, which leaves a [DateFilter] bound unset.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d, the instant the API's date filters
// begin that date at; DateOf(d.Time()) == d. The zero Date gives the zero time.Time.
// An impossible date is normalized as time.Date does (February 30 is March 2).
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// IsValid reports whether d is a date that exists, in years 1 to 9999.
func (d Date) IsValid() bool { return d.check("") == nil }

// MarshalText writes the date as YYYY-MM-DD; an invalid non-zero date is an error. It
// lets a Date be a JSON string or a flag (flag.TextVar).
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsZero() {
		if err := d.check("date"); err != nil {
			return nil, err
		}
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses YYYY-MM-DD, as [ParseDate], and "0000-00-00", what MarshalText
// writes for the zero Date, as the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if string(b) == "0000-00-00" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err == nil {
		*d = v
	}
	return err
}

// check returns an error naming name when d is not a date that exists.
func (d Date) check(name string) error {
	days := time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day() // in d's month, once it is valid
	switch {
	case d.Year < 1 || d.Year > 9999:
		return invalidArg(name, "%s: year %d is outside 1..9999", d, d.Year)
	case d.Month < time.January || d.Month > time.December:
		return invalidArg(name, "%s: month %d is outside 1..12", d, int(d.Month))
	case d.Day < 1 || d.Day > days:
		return invalidArg(name, "%s: day %d is outside 1..%d", d, d.Day, days)
	}
	return nil
}
