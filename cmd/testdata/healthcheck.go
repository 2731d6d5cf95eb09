package main

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"
)

func healthcheckCommand() *cli.Command {
	return &cli.Command{
		Name:  "healthcheck",
		Usage: "ask a running testdata serve whether it is healthy (for a container's HEALTHCHECK)",
		Description: `Calls GET /healthz on the sandbox's HTTP address (--http, the same variable as testdata serve's)
and exits 0 when it answers 200, 1 otherwise. The container image uses it as its HEALTHCHECK: a
scratch image has no curl.

Examples:
   testdata healthcheck
   testdata healthcheck --http 127.0.0.1:9000`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "http", Value: "127.0.0.1:8080", Usage: "the sandbox's HTTP address", EnvVars: []string{"CPRTESTDATA_HTTP"}},
			&cli.DurationFlag{Name: "timeout", Value: 2 * time.Second, Usage: "how long to wait for the answer"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			host, port, err := net.SplitHostPort(c.String("http"))
			if err != nil {
				return usagef(c, "--http %q: %v", c.String("http"), err)
			}
			if host == "" || host == "0.0.0.0" || host == "::" {
				host = "127.0.0.1"
			}
			url := "http://" + net.JoinHostPort(host, port) + "/healthz"
			client := &http.Client{Timeout: c.Duration("timeout")}
			resp, err := client.Get(url)
			if err != nil {
				fmt.Fprintf(c.App.ErrWriter, "testdata healthcheck: %v\n", err)
				return errInvalidFound
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				fmt.Fprintf(c.App.ErrWriter, "testdata healthcheck: %s answered %s\n", url, resp.Status)
				return errInvalidFound
			}
			return nil
		},
	}
}
