package main

import (
	"github.com/urfave/cli/v2"
	"github.com/xrash/smetrics"
)

// didYouMean returns " (did you mean X?)" with the candidate closest to what was given, when one is
// close enough to be a slip (Jaro-Winkler similarity 0.8, as urfave/cli's own suggestions measure it),
// and "" otherwise.
func didYouMean(given string, candidates []string) string {
	best, score := "", 0.0
	for _, c := range candidates {
		if s := smetrics.JaroWinkler(given, c, 0.7, 4); s > score {
			best, score = c, s
		}
	}
	if score < 0.8 {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// flagNames returns the long forms of a command's flags, with two dashes.
func flagNames(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) > 1 {
				out = append(out, "--"+n)
			}
		}
	}
	return append(out, "--help")
}

// commandNames returns the names of commands.
func commandNames(cmds []*cli.Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Names()...)
	}
	return out
}
