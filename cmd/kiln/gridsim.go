package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// placeholder: replaced by the grid simulator's owner.
func newGridsim() *cobra.Command {
	return &cobra.Command{Use: "gridsim", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not yet") }}
}
