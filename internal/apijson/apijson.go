// Package apijson writes Go values as the Telnyx API writes JSON: struct fields in their
// declared order under their json tag names, and times in UTC as RFC 3339 with exactly
// six fractional digits ("2021-03-26T17:51:59.588400Z"), where encoding/json would trim
// trailing zeros. The fake (package telnyxtest) and the command line use it, so a
// property generated from the spec reaches their output without a hand-written line.
package apijson

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TimeLayout is RFC 3339 with exactly six fractional digits, as the API writes times.
const TimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// Marshal returns v as JSON. It handles structs, pointers, slices, maps with string keys,
// strings, booleans, numbers and time.Time; other values go through encoding/json.
func Marshal(v any) ([]byte, error) {
	return Append(nil, v)
}

// Append appends v as JSON to dst.
func Append(dst []byte, v any) ([]byte, error) {
	return appendValue(dst, reflect.ValueOf(v))
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

func appendValue(dst []byte, v reflect.Value) ([]byte, error) {
	if !v.IsValid() {
		return append(dst, "null"...), nil
	}
	t := v.Type()
	if t == timeType {
		return appendQuotedTime(dst, v.Interface().(time.Time)), nil
	}
	if t.Implements(marshalerType) && (t.Kind() != reflect.Pointer || !v.IsNil()) {
		b, err := v.Interface().(json.Marshaler).MarshalJSON()
		return append(dst, b...), err
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(dst, "null"...), nil
		}
		return appendValue(dst, v.Elem())
	case reflect.Struct:
		return appendStruct(dst, v)
	case reflect.Slice:
		if v.IsNil() {
			return append(dst, "null"...), nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return appendJSON(dst, v) // []byte is base64, as encoding/json writes it
		}
		return appendArray(dst, v)
	case reflect.Array:
		return appendArray(dst, v)
	case reflect.String:
		return appendString(dst, v.String()), nil
	case reflect.Bool:
		return strconv.AppendBool(dst, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(dst, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(dst, v.Uint(), 10), nil
	}
	return appendJSON(dst, v)
}

// appendJSON appends what encoding/json writes for v (maps, floats, and the rest).
func appendJSON(dst []byte, v reflect.Value) ([]byte, error) {
	b, err := json.Marshal(v.Interface())
	return append(dst, b...), err
}

func appendArray(dst []byte, v reflect.Value) ([]byte, error) {
	dst = append(dst, '[')
	for i := range v.Len() {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendValue(dst, v.Index(i)); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendStruct(dst []byte, v reflect.Value) ([]byte, error) {
	dst = append(dst, '{')
	first := true
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if (f.omitZero && fv.IsZero()) || (f.omitEmpty && isEmpty(fv)) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, f.quotedName...)
		dst = append(dst, ':')
		var err error
		if dst, err = appendValue(dst, fv); err != nil {
			return dst, fmt.Errorf("%s: %w", f.quotedName, err)
		}
	}
	return append(dst, '}'), nil
}

// isEmpty is encoding/json's notion of empty, for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return v.IsZero() && v.Kind() != reflect.Struct
}

// field is a struct field as JSON sees it.
type field struct {
	index               int
	quotedName          string
	omitEmpty, omitZero bool
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists the exported fields of t that JSON writes, in declaration order.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := field{index: i, quotedName: string(appendString(nil, name))}
		for opt := range strings.SplitSeq(opts, ",") {
			f.omitEmpty = f.omitEmpty || opt == "omitempty"
			f.omitZero = f.omitZero || opt == "omitzero"
		}
		fs = append(fs, f)
	}
	fieldCache.Store(t, fs)
	return fs
}

// appendString appends s as a JSON string, escaped as encoding/json escapes it.
func appendString(dst []byte, s string) []byte {
	if safe(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}

// safe reports whether s needs no escaping: printable ASCII other than '"', '\\', '<',
// '>' and '&'.
func safe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func appendQuotedTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = appendTime(dst, t)
	return append(dst, '"')
}

// appendTime appends t in [TimeLayout], in UTC. It is time.Format made faster for this
// one layout, as list answers hold hundreds of times.
func appendTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, TimeLayout)
	}
	hour, minute, sec := t.Clock()
	var b [27]byte
	digits := func(at, n, v int) {
		for i := at + n - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	digits(0, 4, year)
	b[4] = '-'
	digits(5, 2, int(month))
	b[7] = '-'
	digits(8, 2, day)
	b[10] = 'T'
	digits(11, 2, hour)
	b[13] = ':'
	digits(14, 2, minute)
	b[16] = ':'
	digits(17, 2, sec)
	b[19] = '.'
	digits(20, 6, t.Nanosecond()/1000)
	b[26] = 'Z'
	return append(dst, b[:]...)
}
