package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the fetch command's own implementation.
func fetchCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:   "fetch",
		Usage:  "(not built yet)",
		Action: func(*cli.Context) error { return errors.New("fetch: not built yet") },
	}
}
