package main

import "github.com/urfave/cli/v2"

func pnrCommand() *cli.Command {
	return &cli.Command{
		Name:  "pnr",
		Usage: "describe, validate and allocate personnumre",
		Description: `The rules of the personnummer: century from the 7th digit (births 1858-2057), modulus-11 and the
numbers without a control digit issued since 1 October 2007, gender from the 10th digit, substitute
numbers (erstatningspersonnumre), and allocation in CPR's official order.`,
		OnUsageError:    onUsageError,
		Action:          unknownCommand,
		HideHelpCommand: true,
		Subcommands:     []*cli.Command{pnrDescribeCommand(), pnrValidateCommand(), pnrAllocateCommand()},
	}
}
