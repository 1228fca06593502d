package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the augment command's own implementation.
func augmentCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:   "augment",
		Usage:  "(not built yet)",
		Action: func(*cli.Context) error { return errors.New("augment: not built yet") },
	}
}
