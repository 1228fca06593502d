package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the inspect command's own implementation.
func inspectCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:   "inspect",
		Usage:  "(not built yet)",
		Action: func(*cli.Context) error { return errors.New("inspect: not built yet") },
	}
}
