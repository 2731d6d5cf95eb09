// Package formats is the home of the writers and readers of the generated data: the model as JSON Lines
// (formats/jsonl), the output directory that makes a run's files appear whole or not at all
// (formats/outdir), and CPR's own extract layouts.
package formats
