package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// helpCommand is "testdata help [COMMAND...]": the help of the command named, as --help shows it.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the help of a command: testdata help generate, testdata help pnr validate",
		ArgsUsage: "[COMMAND...]",
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) == 0 {
				return cli.ShowAppHelp(c)
			}
			cmds := c.App.Commands
			for _, name := range args {
				var cmd *cli.Command
				for _, k := range cmds {
					if k.HasName(name) {
						cmd = k
					}
				}
				if cmd == nil {
					return usagef(c, "unknown command %q%s", name, didYouMean(name, commandNames(cmds)))
				}
				cmds = cmd.Subcommands
			}
			return c.App.RunContext(c.Context, append(append([]string{c.App.Name}, args...), "--help"))
		},
	}
}

// completionCommand prints a shell's completion script, which asks testdata itself for the words
// (urfave/cli's --generate-bash-completion).
func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: `Load it in the shell's start-up file:
   bash:  source <(testdata completion bash)
   zsh:   source <(testdata completion zsh)
   fish:  testdata completion fish | source`,
		Action: func(c *cli.Context) error {
			switch shell := c.Args().First(); shell {
			case "bash":
				fmt.Fprint(c.App.Writer, bashCompletion)
			case "zsh":
				fmt.Fprint(c.App.Writer, zshCompletion)
			case "fish":
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				fmt.Fprint(c.App.Writer, script)
			default:
				return usagef(c, "completion %q: want bash, zsh or fish", shell)
			}
			return nil
		},
	}
}

const bashCompletion = `# bash completion for testdata: source <(testdata completion bash)
_testdata_complete() {
  local cur words
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == -* ]]; then
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o bashdefault -o default -F _testdata_complete testdata
`

const zshCompletion = `#compdef testdata
# zsh completion for testdata: source <(testdata completion zsh)
_testdata() {
  local -a words_
  if [[ "${words[CURRENT]}" == -* ]]; then
    words_=(${(f)"$(${words[@]:0:$CURRENT-1} ${words[CURRENT]} --generate-bash-completion 2>/dev/null)"})
  else
    words_=(${(f)"$(${words[@]:0:$CURRENT-1} --generate-bash-completion 2>/dev/null)"})
  fi
  _describe 'values' words_
}
compdef _testdata testdata
`
