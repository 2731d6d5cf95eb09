package main

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/generator"
)

func scenariosCommand() *cli.Command {
	return &cli.Command{
		Name:  "scenarios",
		Usage: "list the edge cases every generated population carries, with their default quotas",
		Description: `Each scenario is a family group made on purpose; every population carries its quota of them (raise
one with testdata generate --scenario NAME=N). The manifest of a run lists the persons that carry each.

Examples:
   testdata scenarios
   testdata scenarios --json`,
		Flags:        []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print one JSON object per scenario"}},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef(c, "unexpected argument %q", c.Args().First())
			}
			if c.Bool("json") {
				enc := json.NewEncoder(c.App.Writer)
				for _, s := range generator.Scenarios() {
					if err := enc.Encode(s); err != nil {
						return fmt.Errorf("write: %w", err)
					}
				}
				return nil
			}
			var rows [][]string
			rows = append(rows, []string{"SCENARIO", "QUOTA", "PERSONS", "DESCRIPTION"})
			for _, s := range generator.Scenarios() {
				rows = append(rows, []string{s.Name, fmt.Sprint(s.Quota), fmt.Sprint(s.Persons), s.Description})
			}
			_, err := fmt.Fprint(c.App.Writer, alignColumns(rows))
			return err
		},
	}
}
