//go:build tools

// Package tools pins the Jaeger release this module builds: `go mod tidy` keeps go.mod and
// go.sum complete for github.com/jaegertracing/jaeger/cmd/jaeger.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
