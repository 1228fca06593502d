package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPartitionFlagsAndMergeErrors(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "l.txt")
	os.WriteFile(list, []byte("http://127.0.0.1:1/a.jpg 1\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"curate", "fetch", "--list", list, "--out", filepath.Join(dir, "f"), "--partition", "3/3"}, exitUsage, "0..2"},
		{[]string{"curate", "fetch", "--list", list, "--out", filepath.Join(dir, "f"), "--partition", "/3"}, exitUsage, "JOB_COMPLETION_INDEX"},
		{[]string{"curate", "filter-text", "--in", dir, "--out", filepath.Join(dir, "g"), "--partition", "x/3"}, exitUsage, "partition"},
		{[]string{"curate", "merge", "--out", filepath.Join(dir, "m")}, exitUsage, "partition folders"},
		{[]string{"curate", "merge", dir, "--out", filepath.Join(dir, "m")}, exitError, "neither"},
	} {
		t.Setenv("JOB_COMPLETION_INDEX", "")
		t.Setenv("SLURM_ARRAY_TASK_ID", "")
		g, _, _ := testGlobal()
		err := run(context.Background(), g, tc.args)
		if exitCode(err) != tc.want || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v: %v (exit %d), want exit %d mentioning %q", tc.args[1:], err, exitCode(err), tc.want, tc.msg)
		}
	}
}
