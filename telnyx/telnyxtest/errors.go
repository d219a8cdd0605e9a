package telnyxtest

import (
	"encoding/json"
	"net/http"
)

// Telnyx error codes the fake answers with.
const (
	codeMissingParameter = "10004"
	codeNotFound         = "10005"
	codeInvalidID        = "10006"
	codeUnexpected       = "10007"
	codeTimeout          = "10008"
	codeAuthentication   = "10009"
	codeAuthorization    = "10010"
	codeTooManyRequests  = "10011"
	codeBadRequest       = "10015"
)

var codeTitles = map[string]string{
	codeMissingParameter: "Missing required parameter",
	codeNotFound:         "Resource not found",
	codeInvalidID:        "Invalid ID",
	codeUnexpected:       "Unexpected error",
	codeTimeout:          "Request timeout",
	codeAuthentication:   "Authentication failed",
	codeAuthorization:    "Authorization failed",
	codeTooManyRequests:  "Too many requests",
	codeBadRequest:       "Bad request",
}

// apiError is one error of the Telnyx envelope.
type apiError struct {
	Code      string
	Detail    string
	Pointer   string // source.pointer
	Parameter string // source.parameter
}

type wireErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

type wireErrorMeta struct {
	URL string `json:"url"`
}

type wireError struct {
	Code   string           `json:"code"`
	Title  string           `json:"title"`
	Detail string           `json:"detail,omitempty"`
	Source *wireErrorSource `json:"source,omitempty"`
	Meta   wireErrorMeta    `json:"meta"`
}

type wireErrors struct {
	Errors []wireError `json:"errors"`
}

// envelope renders errs in the Telnyx error envelope.
func envelope(errs ...apiError) []byte {
	out := wireErrors{Errors: make([]wireError, len(errs))}
	for i, e := range errs {
		w := wireError{
			Code:   e.Code,
			Title:  codeTitles[e.Code],
			Detail: e.Detail,
			Meta:   wireErrorMeta{URL: "https://developers.telnyx.com/docs/overview/errors/" + e.Code},
		}
		if e.Pointer != "" || e.Parameter != "" {
			w.Source = &wireErrorSource{Pointer: e.Pointer, Parameter: e.Parameter}
		}
		out.Errors[i] = w
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic("telnyxtest: encoding an error envelope: " + err.Error()) // only strings: cannot fail
	}
	return b
}

// errorResponse is an answer with status and the envelope of e.
func errorResponse(status int, e apiError) response {
	return response{status: status, body: envelope(e)}
}

// defaultCode is the Telnyx code an error answer with this status carries when a [Fault]
// gives no body.
func defaultCode(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return codeBadRequest
	case http.StatusUnauthorized:
		return codeAuthentication
	case http.StatusForbidden:
		return codeAuthorization
	case http.StatusNotFound:
		return codeNotFound
	case http.StatusRequestTimeout, http.StatusGatewayTimeout:
		return codeTimeout
	case http.StatusTooManyRequests:
		return codeTooManyRequests
	default:
		return codeUnexpected
	}
}

var (
	errUnauthorized = apiError{Code: codeAuthentication, Detail: "The API key is missing or invalid."}
	errNoSuchPath   = apiError{Code: codeNotFound, Detail: "The requested resource or URL could not be found."}
	errNoSession    = apiError{Code: codeNotFound, Detail: "The requested resource or URL could not be found.", Pointer: "/room_session_id"}
	errEnded        = apiError{Code: codeBadRequest, Detail: "The room session has ended.", Pointer: "/room_session_id"}
)
