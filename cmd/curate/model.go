package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// PLACEHOLDER: replaced by the model command's own implementation.
func modelCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:   "model",
		Usage:  "(not built yet)",
		Action: func(*cli.Context) error { return errors.New("model: not built yet") },
	}
}
