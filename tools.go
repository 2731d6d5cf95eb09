//go:build tools

// This file is never built. It keeps in go.mod the modules that only cmd/testdata imports: the go tool
// skips directories named testdata, `go mod tidy` included, and would otherwise drop them.
package cprtestdata

import (
	_ "github.com/urfave/cli/v2"
	_ "github.com/xrash/smetrics"
)
