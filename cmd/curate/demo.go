package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the demo command's own implementation.
func demoCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:   "demo",
		Usage:  "(not built yet)",
		Action: func(*cli.Context) error { return errors.New("demo: not built yet") },
	}
}
