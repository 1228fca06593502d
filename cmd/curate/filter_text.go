package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the filter-text command's own implementation.
func filterTextCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:   "filter-text",
		Usage:  "(not built yet)",
		Action: func(*cli.Context) error { return errors.New("filter-text: not built yet") },
	}
}
