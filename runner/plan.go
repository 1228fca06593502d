package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Stage is one step of the pipeline as cmd/curate builds it.
type Stage struct {
	Name    string
	Options any      // what the stage is asked to do; its JSON is part of the key
	Inputs  []string // files or folders outside the pipeline that the stage reads
	Output  string   // its output folder, relative to the root
	Run     func(ctx context.Context) error
	// Reset, if set, is called before Run when the stage runs again over a
	// complete earlier output. It may drop the stage's resume state
	// (journals) so the new run decides everything again rather than
	// resuming, and reports whether it did; the earlier outputs stay until
	// the stage replaces them. Change says why the stage runs again.
	Reset func(c Change) (bool, error)
}

// Change says why a stage runs again over a complete earlier output.
type Change struct {
	Own      bool // its own options or curate's version changed, or it is forced
	Build    bool // another curate binary (other code) wrote the earlier output
	Upstream bool // an earlier stage was reset this run
}

// Options configures Plan and Run.
type Options struct {
	Root    string // the output root
	Version string // curate's version, part of every key
	// Build identifies the code (curate uses its executable's sha256): part
	// of every key, so a rebuilt binary with changed code never reuses an
	// output the old code wrote, though the version string is the same.
	Build string
	From  string   // start at this stage (it runs; earlier ones are kept as they are)
	Until string   // stop after this stage
	Force []string // run these stages (and so every later one) whatever the cache says
	// Started and Finished, if set, are called around each stage that runs.
	Started  func(d Decision)
	Finished func(d Decision, m *Manifest)
}

// Decision says whether a stage runs and why.
type Decision struct {
	Stage  string `json:"stage"`
	Run    bool   `json:"run"`
	Reason string `json:"reason"`
}

// ErrStage is wrapped by errors about --from, --until and --force names.
var ErrStage = errors.New("runner: no such stage")

// checked is what Plan learns about one stage.
type checked struct {
	Decision
	inputs []Digest // the inputs outside the pipeline, hashed
	old    *Manifest
	forced bool // --force or --from
}

// Plan decides, without running anything, which stages would run and why.
func Plan(stages []Stage, o Options) ([]Decision, error) {
	cs, err := plan(stages, o)
	if err != nil {
		return nil, err
	}
	out := make([]Decision, len(cs))
	for i, c := range cs {
		out[i] = c.Decision
	}
	return out, nil
}

func plan(stages []Stage, o Options) ([]checked, error) {
	index := map[string]int{}
	for i, s := range stages {
		index[s.Name] = i
	}
	pos := func(name, flag string, def int) (int, error) {
		if name == "" {
			return def, nil
		}
		i, ok := index[name]
		if !ok {
			return 0, fmt.Errorf("%w: %s %q; the stages are %s", ErrStage, flag, name, stageNames(stages))
		}
		return i, nil
	}
	from, err := pos(o.From, "--from", 0)
	if err != nil {
		return nil, err
	}
	until, err := pos(o.Until, "--until", len(stages)-1)
	if err != nil {
		return nil, err
	}
	if until < from {
		return nil, fmt.Errorf("%w: --until %s comes before --from %s", ErrStage, o.Until, o.From)
	}
	forced := map[int]bool{}
	for _, f := range o.Force {
		i, err := pos(f, "--force", 0)
		if err != nil {
			return nil, err
		}
		forced[i] = true
	}
	if o.From != "" {
		forced[from] = true
	}

	cs := make([]checked, len(stages))
	upstream := "" // output digest of the stage before, when it does not run
	rerun := ""    // the earlier stage that runs, if any
	for i, s := range stages {
		c := checked{Decision: Decision{Stage: s.Name}}
		if c.old, err = ReadManifest(o.Root, s.Name); err != nil {
			return nil, err
		}
		switch {
		case i < from:
			if c.old == nil {
				return nil, fmt.Errorf("--from %s: the earlier stage %s has never finished in %s; run without --from first", o.From, s.Name, o.Root)
			}
			c.Reason = "before --from " + o.From + ": kept as it is"
			upstream = c.old.OutputDigest
			cs[i] = c
			continue
		case i > until:
			c.Reason = "after --until " + o.Until + ": not run"
			cs[i] = c
			continue
		}
		for _, in := range s.Inputs {
			d, err := digestInput(in)
			if err != nil {
				return nil, fmt.Errorf("stage %s: %w", s.Name, err)
			}
			c.inputs = append(c.inputs, Digest{Name: in, SHA256: d})
		}
		switch {
		case forced[i]:
			c.Run, c.Reason, c.forced = true, "forced", true
			if i == from && o.From != "" {
				c.Reason = "--from " + o.From
			}
		case rerun != "":
			c.Run, c.Reason = true, "after "+rerun+", which runs"
		default:
			why, err := stale(o, s, c, upstream)
			if err != nil {
				return nil, err
			}
			c.Run, c.Reason = why != "", why
			if why == "" {
				c.Reason = "up to date (finished " + c.old.Finished + ")"
			}
		}
		if c.Run && rerun == "" {
			rerun = s.Name
		}
		if !c.Run {
			upstream = c.old.OutputDigest
		}
		cs[i] = c
	}
	return cs, nil
}

// stale says why a stage must run again, or "" when its manifest still holds.
func stale(o Options, s Stage, c checked, upstream string) (string, error) {
	m := c.old
	if m == nil {
		return "never finished here (no manifest)", nil
	}
	if m.CurateVersion != o.Version {
		return fmt.Sprintf("curate's version changed (%s -> %s)", m.CurateVersion, o.Version), nil
	}
	if m.CurateBuild != o.Build {
		return fmt.Sprintf("curate's build changed (%s -> %s): another binary", short(m.CurateBuild), short(o.Build)), nil
	}
	opts, err := json.Marshal(s.Options)
	if err != nil {
		return "", fmt.Errorf("stage %s: options: %w", s.Name, err)
	}
	if d := diffOptions(m.Options, opts); d != "" {
		return "options changed: " + d, nil
	}
	inputs := c.inputs
	if upstream != "" {
		inputs = append(slices.Clone(inputs), Digest{Name: "stage:previous", SHA256: upstream})
	}
	if d := diffInputs(m.Inputs, inputs); d != "" {
		return d, nil
	}
	if m.Key != key(o.Version, o.Build, opts, inputs) {
		return "its key changed", nil
	}
	if m.Output != s.Output {
		return fmt.Sprintf("output folder changed (%s -> %s)", m.Output, s.Output), nil
	}
	files, digest, err := digestTree(filepath.Join(o.Root, s.Output), m.Outputs)
	if err != nil {
		return "its output cannot be read: " + err.Error(), nil
	}
	if digest != m.OutputDigest {
		return "its output changed: " + diffFiles(m.Outputs, files), nil
	}
	return "", nil
}

// key is the sha256 over version, build, options and input digests.
func key(version, build string, opts []byte, inputs []Digest) string {
	h := sha256.New()
	fmt.Fprintf(h, "curate %s\n", version)
	if build != "" {
		fmt.Fprintf(h, "build %s\n", build)
	}
	h.Write(opts)
	h.Write([]byte{'\n'})
	for _, in := range inputs {
		fmt.Fprintf(h, "%s\x00%s\n", in.Name, in.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// short is the start of a digest, for messages; "none" for "".
func short(d string) string {
	switch {
	case d == "":
		return "none"
	case len(d) > 12:
		return d[:12]
	}
	return d
}

// Run runs the stages the plan says must run, in order, writing each one's
// manifest when it finishes. It returns the plan. A stage's manifest is
// removed before it starts, so a stage that fails or is interrupted runs
// again next time (stages resume their own work from their journals).
func Run(ctx context.Context, stages []Stage, o Options) ([]Decision, error) {
	cs, err := plan(stages, o)
	if err != nil {
		return nil, err
	}
	out := make([]Decision, len(cs))
	for i, c := range cs {
		out[i] = c.Decision
	}
	upstream := ""
	upstreamReset := false
	for i, s := range stages {
		c := cs[i]
		if !c.Run {
			if c.old != nil {
				upstream = c.old.OutputDigest
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if err := removeManifest(o.Root, s.Name); err != nil {
			return out, fmt.Errorf("stage %s: %w", s.Name, err)
		}
		if c.old != nil && s.Reset != nil {
			opts, err := json.Marshal(s.Options)
			if err != nil {
				return out, fmt.Errorf("stage %s: options: %w", s.Name, err)
			}
			did, err := s.Reset(Change{
				Own:      c.forced || c.old.CurateVersion != o.Version || diffOptions(c.old.Options, opts) != "",
				Build:    c.old.CurateBuild != o.Build,
				Upstream: upstreamReset,
			})
			if err != nil {
				return out, fmt.Errorf("stage %s: %w", s.Name, err)
			}
			upstreamReset = upstreamReset || did
		}
		if o.Started != nil {
			o.Started(c.Decision)
		}
		start := time.Now()
		if err := s.Run(ctx); err != nil {
			return out, fmt.Errorf("stage %s: %w", s.Name, err)
		}
		opts, err := json.Marshal(s.Options)
		if err != nil {
			return out, fmt.Errorf("stage %s: options: %w", s.Name, err)
		}
		inputs := c.inputs
		if upstream != "" {
			inputs = append(slices.Clone(inputs), Digest{Name: "stage:previous", SHA256: upstream})
		}
		files, digest, err := digestTree(filepath.Join(o.Root, s.Output), nil)
		if err != nil {
			return out, fmt.Errorf("stage %s: %w", s.Name, err)
		}
		m := &Manifest{
			Stage: s.Name, CurateVersion: o.Version, CurateBuild: o.Build, Key: key(o.Version, o.Build, opts, inputs), Options: opts,
			Inputs: inputs, Output: s.Output, Outputs: files, OutputDigest: digest,
			Finished: time.Now().UTC().Format(time.RFC3339), Seconds: time.Since(start).Seconds(),
		}
		if err := writeManifest(o.Root, m); err != nil {
			return out, fmt.Errorf("stage %s: manifest: %w", s.Name, err)
		}
		upstream = digest
		if o.Finished != nil {
			o.Finished(c.Decision, m)
		}
	}
	return out, nil
}

func stageNames(stages []Stage) string {
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// diffOptions names the options that differ between two JSON documents,
// as dotted paths with old and new values; "" when they are equal.
func diffOptions(a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	fa, fb := map[string]string{}, map[string]string{}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return "(not comparable)"
	}
	flatten("", va, fa)
	flatten("", vb, fb)
	var diffs []string
	for k, x := range fa {
		if y, ok := fb[k]; !ok {
			diffs = append(diffs, k+" removed")
		} else if x != y {
			diffs = append(diffs, fmt.Sprintf("%s %s -> %s", k, x, y))
		}
	}
	for k, y := range fb {
		if _, ok := fa[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s added (%s)", k, y))
		}
	}
	if len(diffs) == 0 {
		return ""
	}
	sort.Strings(diffs)
	return strings.Join(diffs, ", ")
}

func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	default:
		b, _ := json.Marshal(x)
		out[prefix] = string(b)
	}
}

func diffInputs(old, cur []Digest) string {
	om := map[string]string{}
	for _, d := range old {
		om[d.Name] = d.SHA256
	}
	for _, d := range cur {
		o, ok := om[d.Name]
		switch {
		case !ok && d.Name == "stage:previous":
			return "the previous stage's output is new"
		case !ok:
			return "new input " + d.Name
		case o != d.SHA256 && d.Name == "stage:previous":
			return "the previous stage's output changed"
		case o != d.SHA256:
			return "input changed: " + d.Name
		}
		delete(om, d.Name)
	}
	for n := range om {
		return "input no longer used: " + n
	}
	return ""
}

func diffFiles(old, cur []FileDigest) string {
	om := map[string]string{}
	for _, f := range old {
		om[f.Path] = f.SHA256
	}
	var diffs []string
	for _, f := range cur {
		o, ok := om[f.Path]
		switch {
		case !ok:
			diffs = append(diffs, f.Path+" is new")
		case o != f.SHA256:
			diffs = append(diffs, f.Path+" was modified")
		}
		delete(om, f.Path)
	}
	for p := range om {
		diffs = append(diffs, p+" is missing")
	}
	sort.Strings(diffs)
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("and %d more", len(diffs)-3))
	}
	return strings.Join(diffs, ", ")
}
