package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// The JSON output encodes the SDK's models generically, walking their fields in
// order by their json tags, so a property added to the spec (and so to the generated
// models) reaches the output with no line here. It differs from encoding/json in two
// ways only:
//
//   - a time.Time is written as the API writes it: RFC 3339 in UTC with exactly six
//     fractional digits (2021-04-16T09:46:20.954863Z); a zero time is absent when
//     its field has omitempty or omitzero, null otherwise;
//   - with omitempty, a nil slice is absent but an empty one is written as [], so
//     "participants": [] says "asked for, none" where absence says "not asked for".

// apiTimeLayout is the API's time format: RFC 3339, UTC, microseconds.
const apiTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

var (
	timeType      = reflect.TypeFor[time.Time]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

// appendJSON appends the compact JSON of v to buf.
func appendJSON(buf *bytes.Buffer, v any) error {
	return encodeValue(buf, reflect.ValueOf(v))
}

// encodeValue writes v as JSON.
func encodeValue(buf *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	t := v.Type()
	switch {
	case t == timeType:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('"')
		buf.WriteString(t.UTC().Format(apiTimeLayout))
		buf.WriteByte('"')
		return nil
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return encodeValue(buf, v.Elem())
	case t.Implements(marshalerType):
		return encodeLeaf(buf, v.Interface())
	case t.Kind() == reflect.Struct:
		return encodeStruct(buf, v)
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8:
		if t.Kind() == reflect.Slice && v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return encodeLeaf(buf, v.Interface())
}

// encodeLeaf writes v with encoding/json, without HTML escaping.
func encodeLeaf(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

// encodeStruct writes the exported fields of a struct in order, as their json tags
// say; an untagged embedded struct's fields are written in its place.
func encodeStruct(buf *bytes.Buffer, v reflect.Value) error {
	buf.WriteByte('{')
	first := true
	var walk func(v reflect.Value) error
	walk = func(v reflect.Value) error {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			fv := v.Field(i)
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					if fv.IsNil() {
						continue
					}
					ft, fv = ft.Elem(), fv.Elem()
				}
				if ft.Kind() == reflect.Struct && ft != timeType {
					if err := walk(fv); err != nil {
						return err
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if omitted(fv, opts) {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			if err := encodeLeaf(buf, name); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := encodeValue(buf, fv); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(v); err != nil {
		return err
	}
	buf.WriteByte('}')
	return nil
}

// omitted reports whether a field with the tag options opts and value v is left out.
func omitted(v reflect.Value, opts string) bool {
	var omitEmpty, omitZero bool
	for o := range strings.SplitSeq(opts, ",") {
		omitEmpty = omitEmpty || o == "omitempty"
		omitZero = omitZero || o == "omitzero"
	}
	if !omitEmpty && !omitZero {
		return false
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).IsZero()
	}
	if omitZero && v.IsZero() {
		return true
	}
	if !omitEmpty {
		return false
	}
	switch v.Kind() {
	case reflect.Slice:
		return v.IsNil()
	case reflect.Map, reflect.String, reflect.Array:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return v.IsZero()
	}
	return false
}
