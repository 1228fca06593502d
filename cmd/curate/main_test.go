package main

import (
	"context"
	"testing"
)

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"curate", "bogus"}, exitUsage},
		{[]string{"curate", "inspect"}, exitUsage},
		{[]string{"curate", "inspect", "--no-such-flag", "x"}, exitUsage},
		{[]string{"curate", "model", "summary", "--no-such-flag"}, exitUsage},
		{[]string{"curate", "inspect", "/no/such/dataset"}, exitError},
	}
	for _, tc := range tests {
		g, _, _ := inspectTestGlobal()
		err := run(context.Background(), g, tc.args)
		if got := exitCode(err); got != tc.want {
			t.Errorf("%v: exit %d (%v), want %d", tc.args, got, err, tc.want)
		}
	}
}
