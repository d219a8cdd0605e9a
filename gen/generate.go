// Package gen is generated from ../api/openapi.yaml by oapi-codegen; do not edit.
//
// It holds the wire types and request builders of the Telnyx Room Sessions API. Users
// import package telnyx, which wraps it; the types here are not part of the SDK's public
// API.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../oapi-codegen.yaml ../api/openapi.yaml
