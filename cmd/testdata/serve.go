package main

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run a disposable CPR test environment: extracts on a simulated clock and person lookups over HTTP",
		Description: `Makes a population (10,000 persons by default, in well under a second) and serves it: the status
extract as of --as-of, a change extract for each day the clock is moved on, and every person as they are
today. Every flag can be given as an environment variable instead (CPRTESTDATA_HTTP, ...). SIGTERM or
Ctrl-C shut it down gracefully: requests in flight finish.

   GET  /healthz                      200 when it serves
   GET  /api/extracts                 the published extracts with download URLs
   GET  /api/extracts/{name}          an extract (Range, ETag)
   GET  /api/persons/{pnr}            a person as they are today (404 when unknown)
   GET  /api/persons?name=&birth_date=&postcode=&road=   search
   GET  /api/clock, /api/manifest, /api/openapi.json
   POST /admin/clock/advance?days=N   move the clock on, publishing a change extract per day
   POST /admin/reset                  back to the start date

Examples:
   testdata serve
   testdata serve --http 127.0.0.1:9000 --persons 50000 --seed 7
   curl -X POST 'localhost:8080/admin/clock/advance?days=3'`,
		Flags: append(populationFlags(),
			&cli.StringFlag{Name: "http", Value: ":8080", Usage: "address to serve HTTP on", EnvVars: []string{"CPRTESTDATA_HTTP"}},
			&cli.IntFlag{Name: "task", Value: extract.DefaultTask, Usage: "task number (OPGAVENR) of the extracts", EnvVars: []string{"CPRTESTDATA_TASK"}},
			&cli.StringFlag{Name: "framing", Value: "stream", Usage: "extract framing: stream, lf or crlf", EnvVars: []string{"CPRTESTDATA_FRAMING"}},
			&cli.StringFlag{Name: "records", Value: "all", Usage: "record types of the extracts: 001,002,003,...", EnvVars: []string{"CPRTESTDATA_RECORDS"}},
		),
		OnUsageError: onUsageError,
		Action:       serve,
	}
}

func serve(c *cli.Context) error {
	if c.Args().Present() {
		return usagef(c, "unexpected argument %q", c.Args().First())
	}
	gen, err := populationConfig(c)
	if err != nil {
		return err
	}
	cfg := sandbox.Config{Generator: gen}
	eo := &cfg.Extract
	if eo.Task = c.Int("task"); eo.Task < 1 || eo.Task > 999999 {
		return usagef(c, "--task %d: want 1-999999", eo.Task)
	}
	if eo.Framing, err = extract.ParseFraming(c.String("framing")); err != nil {
		return usagef(c, "--framing: %v; want stream, lf or crlf", err)
	}
	if eo.Records, err = extract.ParseSelection(c.String("records")); err != nil {
		return usagef(c, "--records: %v", err)
	}
	ln, err := net.Listen("tcp", c.String("http"))
	if err != nil {
		return usagef(c, "--http: %v", err)
	}
	defer ln.Close()
	start := time.Now()
	sb, err := sandbox.New(c.Context, cfg)
	switch {
	case errors.Is(err, sandbox.ErrConfig), errors.Is(err, generator.ErrConfig):
		return usagef(c, "%v", err)
	case err != nil:
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "testdata serve: %d persons as of %s, ready in %s; HTTP on %s\n",
		sb.Manifest().Made, sb.Start(), time.Since(start).Round(time.Millisecond), ln.Addr())
	return sandbox.Serve(c.Context, ln, sandbox.NewHandler(sb))
}
