package jsonstream

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// kind names the JSON value starting at b[i]: "null", "a string", ...
func kind(b []byte, i int) string {
	if i >= len(b) {
		return "nothing"
	}
	switch b[i] {
	case 'n':
		return "null"
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return strconv.QuoteRune(rune(b[i]))
}

// skipSpace returns the index of the first byte at or after i that is not JSON
// whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// endString returns the index just past the JSON string starting at b[i], or -1.
func endString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// endValue returns the index just past the JSON value starting at b[i], or -1.
func endValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return endString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				end := endString(b, i)
				if end < 0 {
					return -1
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	start := i
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// unquote returns the JSON string q unescaped; one without escapes or control characters
// is copied as it is.
func unquote(q []byte) (string, bool) {
	if len(q) >= 2 && q[0] == '"' && !bytes.ContainsFunc(q[1:], func(r rune) bool { return r < ' ' || r == '\\' }) {
		return string(q[1 : len(q)-1]), endString(q, 0) == len(q)
	}
	var s string
	err := json.Unmarshal(q, &s)
	return s, err == nil
}
