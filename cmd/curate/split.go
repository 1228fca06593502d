package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the split command's own implementation.
func splitCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:   "split",
		Usage:  "(not built yet)",
		Action: func(*cli.Context) error { return errors.New("split: not built yet") },
	}
}
