// Package partition splits a stage's work into N disjoint parts by a stable
// hash of each item's key (a URL for fetch, a row id for filter-text), so N
// machines can each run one part and `curate merge` can join their outputs.
//
// A key's part depends only on the key and N: a URL keeps its part as lists
// grow. Parts are numbered 0..N-1, like Kubernetes' JOB_COMPLETION_INDEX and a
// Slurm array started with --array=0-(N-1). The package knows nothing of
// stages; it parses "I/N", picks I from the environment and hashes keys.
package partition

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Spec is one part of N. The zero value means "everything" (no partitioning).
type Spec struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// EnvVars are read, in order, when a spec leaves the index out ("/N").
var EnvVars = []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"}

// Parse reads "I/N" (0 <= I < N), or "/N" to take I from the first of
// EnvVars that is set; getenv is os.Getenv when nil. "" is the zero Spec.
func Parse(s string, getenv func(string) string) (Spec, error) {
	if s == "" {
		return Spec{}, nil
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Spec{}, fmt.Errorf("partition %q: want I/N (for example 0/4), or /N to take I from %s", s, strings.Join(EnvVars, " or "))
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 {
		return Spec{}, fmt.Errorf("partition %q: N must be a positive integer", s)
	}
	from := ""
	if is == "" {
		for _, v := range EnvVars {
			if e := getenv(v); e != "" {
				is, from = e, v
				break
			}
		}
		if is == "" {
			return Spec{}, fmt.Errorf("partition %q: no index given and none of %s is set", s, strings.Join(EnvVars, ", "))
		}
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		if from != "" {
			return Spec{}, fmt.Errorf("partition %q: %s=%q is not an index in 0..%d", s, from, is, n-1)
		}
		return Spec{}, fmt.Errorf("partition %q: I must be an integer in 0..%d", s, n-1)
	}
	return Spec{Index: i, Count: n}, nil
}

// Active reports whether the spec selects a strict part of the work.
func (s Spec) Active() bool { return s.Count > 1 }

// String is "I/N", or "" for the zero Spec.
func (s Spec) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Of returns the part of n that key falls in: the first 8 bytes of its
// sha256, big-endian, modulo n.
func Of(key string, n int) int {
	if n <= 1 {
		return 0
	}
	sum := sha256.Sum256([]byte(key))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

// Has reports whether key belongs to this part; every key belongs to an
// inactive spec.
func (s Spec) Has(key string) bool {
	return !s.Active() || Of(key, s.Count) == s.Index
}
