package telnyxtest

import (
	"net/http"

	"github.com/roomsessions/telnyx-go/internal/apijson"
)

// This file holds the answers before they are written and the wire shapes of their bodies.

// response is an answer before it is written: the status, headers beyond the standard
// ones, and the body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// Wire shapes of api/openapi.yaml.

type wireMeta struct {
	PageNumber   int64 `json:"page_number"`
	PageSize     int64 `json:"page_size"`
	TotalPages   int64 `json:"total_pages"`
	TotalResults int64 `json:"total_results"`
}

type wireList[T any] struct {
	Data []T      `json:"data"`
	Meta wireMeta `json:"meta"`
}

type wireOne[T any] struct {
	Data T `json:"data"`
}

type wireResult struct {
	Result string `json:"result"`
}

// ok is a 200 answer with v as JSON.
func ok(v any) response {
	b, err := apijson.Marshal(v)
	if err != nil {
		panic("telnyxtest: encoding a response: " + err.Error()) // generated models and meta only
	}
	return response{status: http.StatusOK, body: b}
}

var actionOK = ok(wireOne[wireResult]{Data: wireResult{Result: "ok"}})
