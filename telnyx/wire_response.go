package telnyx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// This file holds the wire form of the API's answers: the envelopes of a 2xx body and
// of an error body, and how they are decoded.

// dataBody is the envelope of a single record: {"data":{...}}.
type dataBody[T any] struct {
	Data T `json:"data"`
}

// actionBody is the result of an action. Its answer is the 2xx status; the body
// ({"data":{"result":"ok"}}) is drained, not decoded (see decodeBody).
type actionBody struct{}

// skipBody is the decoder of the actions, which decodeBody never calls.
func skipBody(*json.Decoder, *actionBody) error { return nil }

// decodeJSON is the decoder of a single JSON value: a Get's answer, {"data":{...}}, one
// record in its envelope, which the bound on one value (see bodyReader) bounds as a
// whole.
func decodeJSON[T any](dec *json.Decoder, out *T) error { return dec.Decode(out) }

// pageMeta is the wire form of the list meta.
type pageMeta struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// listBody is the wire form of a list answer.
type listBody[T any] struct {
	Data []T       `json:"data"`
	Meta *pageMeta `json:"meta"`
}

// decodeList returns the decoder of a list answer holding at most max items. It
// decodes item by item as the body streams, each item with its own Decode (so the bound
// on one value, see bodyReader, applies to each), and refuses the page at item max+1,
// so a page never holds more than was asked for. Unknown keys are skipped.
func decodeList[T any](max int) decoder[listBody[T]] {
	return func(dec *json.Decoder, b *listBody[T]) error {
		if err := expectDelim(dec, '{'); err != nil {
			return err
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			switch tok {
			case "data":
				err = decodeArray(dec, &b.Data, max)
			case "meta":
				err = dec.Decode(&b.Meta)
			default:
				var skip json.RawMessage
				err = dec.Decode(&skip)
			}
			if err != nil {
				return err
			}
		}
		return expectDelim(dec, '}')
	}
}

// decodeArray decodes a JSON array (or null) element by element into *out, refusing
// more than max elements.
func decodeArray[T any](dec *json.Decoder, out *[]T, max int) error {
	tok, err := dec.Token()
	if err != nil || tok == nil { // null
		*out = nil
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("want an array, got %v", tok)
	}
	items := make([]T, 0, 16)
	for dec.More() {
		if len(items) == max {
			return fmt.Errorf("more than %d items, the page size asked for", max)
		}
		items = append(items, *new(T))
		if err := dec.Decode(&items[len(items)-1]); err != nil {
			return err
		}
	}
	*out = items
	_, err = dec.Token()
	return err
}

// expectDelim reads the next token and checks it is d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return errors.New("want " + d.String() + ", got " + fmt.Sprint(tok))
	}
	return nil
}

// page converts the answer; hasMeta reports whether it carried meta.
func (b *listBody[T]) page() (p *Page[T], hasMeta bool) {
	p = &Page[T]{Items: b.Data}
	if m := b.Meta; m != nil {
		p.PageNumber, p.PageSize, p.TotalPages, p.TotalResults = m.PageNumber, m.PageSize, m.TotalPages, m.TotalResults
	}
	return p, b.Meta != nil
}

// flexString decodes a JSON string or number (some services send numeric codes).
type flexString string

// UnmarshalJSON accepts a string, a number or null.
func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}

// wireError is one error object as any Telnyx service sends it.
type wireError struct {
	Code   flexString `json:"code"`
	Title  flexString `json:"title"`
	Detail flexString `json:"detail"`
	Source *struct {
		Pointer   flexString `json:"pointer"`
		Parameter flexString `json:"parameter"`
	} `json:"source"`
	Meta map[string]any `json:"meta"`
}

func (w wireError) detail() ErrorDetail {
	d := ErrorDetail{Code: string(w.Code), Title: string(w.Title), Detail: string(w.Detail), Meta: w.Meta}
	if w.Source != nil {
		d.Pointer, d.Parameter = string(w.Source.Pointer), string(w.Source.Parameter)
	}
	return d
}

// parseErrorBody extracts details from the shapes seen in the wild: the Telnyx
// envelope {"errors":[...]}, {"message":...,"success":false}, and a bare error object.
// Anything else (HTML, empty, invalid JSON) yields no details.
func parseErrorBody(body []byte) []ErrorDetail {
	var shape struct {
		Errors  []wireError `json:"errors"`
		Message flexString  `json:"message"`
		wireError
	}
	if err := json.Unmarshal(body, &shape); err != nil {
		return nil
	}
	switch {
	case len(shape.Errors) > 0:
		details := make([]ErrorDetail, 0, len(shape.Errors))
		for _, w := range shape.Errors {
			details = append(details, w.detail())
		}
		return details
	case shape.Code != "" || shape.Title != "":
		return []ErrorDetail{shape.wireError.detail()}
	case shape.Message != "":
		return []ErrorDetail{{Title: string(shape.Message)}}
	}
	return nil
}
