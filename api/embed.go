// Package api holds the project's OpenAPI description of the Telnyx Room Sessions API.
//
// openapi.yaml is hand-maintained and is the source of truth: package gen is generated
// from it, and package telnyxtest validates every request it serves against it.
package api

import _ "embed"

// Spec is the content of openapi.yaml (OpenAPI 3.0.3).
//
//go:embed openapi.yaml
var Spec []byte
