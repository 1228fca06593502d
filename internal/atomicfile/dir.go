package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrBusy is returned by BeginDir when another process is writing the same
// output.
var ErrBusy = errors.New("another curate process is writing this output")

// DirOptions configures BeginDir.
type DirOptions struct {
	// Stage names the writer in errors ("split", "filter-text", ...).
	Stage string
	// Owns reports whether an entry of an existing output directory is one
	// this stage writes. When the output exists and holds a visible entry
	// it does not own (another stage's output, someone's files), BeginDir
	// refuses: the switch would drop that entry. nil owns everything.
	Owns func(name string) bool
}

// Dir is a new generation of an output directory, written beside the
// current one (a hidden sibling) while holding the output's lock. Commit
// switches the two with one atomic exchange; until then the current output
// is untouched.
type Dir struct {
	final string
	path  string
	hook  Hook
	lock  *os.File
	done  bool
}

// LockPath is the lock file guarding the output dir: a hidden sibling,
// so it survives the switch of generations.
func LockPath(dir string) string {
	d, b := filepath.Split(filepath.Clean(dir))
	return filepath.Join(d, "."+b+".lock")
}

func genPrefix(final string) string {
	d, b := filepath.Split(filepath.Clean(final))
	return filepath.Join(d, "."+b+".gen-")
}

// BeginDir takes the lock of the output directory final (ErrBusy if another
// process holds it), removes generations a crash left behind, and creates
// an empty new generation. final itself may not exist yet; if it exists it
// must be a directory (a symlink, device or FIFO is refused), holding only
// entries opts.Owns accepts. A hook from ctx (WithHook) is called before
// every step.
func BeginDir(ctx context.Context, final string, opts DirOptions) (*Dir, error) {
	final = filepath.Clean(final)
	stage := opts.Stage
	if stage == "" {
		stage = "curate"
	}
	if err := CheckTarget(final); err != nil {
		return nil, fmt.Errorf("%s: output %w", stage, err)
	}
	st, err := os.Stat(final)
	switch {
	case err == nil && !st.IsDir():
		return nil, fmt.Errorf("%s: output %s is a file, not a directory; refusing to replace it", stage, final)
	case err == nil:
		entries, err := os.ReadDir(final)
		if err != nil {
			return nil, fmt.Errorf("%s: output: %w", stage, err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") || opts.Owns == nil || opts.Owns(e.Name()) {
				continue
			}
			return nil, fmt.Errorf("%s: output %s holds %s, which %s does not write (another stage's output or other files); choose an empty or new directory",
				stage, final, e.Name(), stage)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: output: %w", stage, err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return nil, fmt.Errorf("%s: create the parent of %s: %w", stage, final, err)
	}
	d := &Dir{final: final, hook: hookFrom(ctx)}
	if d.lock, err = lock(LockPath(final)); err != nil {
		if errors.Is(err, ErrBusy) {
			return nil, fmt.Errorf("%s: %s: %w", stage, final, err)
		}
		return nil, fmt.Errorf("%s: %w", stage, err)
	}
	// We hold the lock: any generation beside final is a crash's leftover.
	old, _ := filepath.Glob(genPrefix(final) + "*")
	for _, o := range old {
		if err := os.RemoveAll(o); err != nil {
			d.unlock()
			return nil, fmt.Errorf("%s: remove the leftover %s: %w", stage, o, err)
		}
	}
	d.path = genPrefix(final) + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := d.step("begin"); err != nil {
		d.unlock()
		return nil, fmt.Errorf("%s: begin %s: %w", stage, final, err)
	}
	if err := os.Mkdir(d.path, 0o755); err != nil {
		d.unlock()
		return nil, fmt.Errorf("%s: begin %s: %w", stage, final, err)
	}
	return d, nil
}

func lock(name string) (*os.File, error) {
	if err := CheckTarget(name); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return f, nil
}

func (d *Dir) unlock() {
	if d.lock != nil {
		d.lock.Close()
		d.lock = nil
	}
}

func (d *Dir) step(s string) error {
	if d.hook == nil {
		return nil
	}
	return d.hook(s)
}

// Path is the new generation's directory: write the output here.
func (d *Dir) Path() string { return d.path }

// Final is the output directory the generation replaces on Commit.
func (d *Dir) Final() string { return d.final }

// Join is filepath.Join(d.Path(), rel...).
func (d *Dir) Join(rel ...string) string {
	return filepath.Join(append([]string{d.path}, rel...)...)
}

// Create starts writing the file rel of the new generation, creating its
// folders.
func (d *Dir) Create(rel string) (*File, error) {
	name := d.Join(rel)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return create(name, d.hook)
}

// WriteFile writes the file rel of the new generation.
func (d *Dir) WriteFile(rel string, data []byte) error {
	name := d.Join(rel)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return writeFile(name, data, d.hook)
}

// Carry puts the file src (usually a journal of the current generation)
// into the new generation as rel: a hard link, or a copy where links are
// not possible. src keeps working for appends until Commit.
func (d *Dir) Carry(src, rel string) error {
	dst := d.Join(rel)
	if err := d.step("carry " + rel); err != nil {
		return fmt.Errorf("carry %s: %w", src, err)
	}
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("carry %s: %w", src, err)
	}
	defer in.Close()
	f, err := create(dst, d.hook)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, in); err != nil {
		f.Abort()
		return fmt.Errorf("carry %s: %w", src, err)
	}
	return f.Commit()
}

// Commit makes the new generation the output: it fsyncs its folders,
// exchanges it with the current output in one rename, fsyncs the parent,
// removes the old generation and releases the lock. A crash before the
// exchange leaves the old output; after it, the new one.
func (d *Dir) Commit() error {
	if d.done {
		return fmt.Errorf("commit %s: already done", d.final)
	}
	d.done = true
	fail := func(what string, err error) error {
		os.RemoveAll(d.path)
		d.unlock()
		return fmt.Errorf("%s %s: %w", what, d.final, err)
	}
	if err := d.step("sync tree"); err != nil {
		return fail("sync", err)
	}
	if err := syncTree(d.path); err != nil {
		return fail("sync", err)
	}
	if err := d.step("switch"); err != nil {
		return fail("switch to the new", err)
	}
	if err := CheckTarget(d.final); err != nil {
		return fail("switch to the new", err)
	}
	_, err := os.Lstat(d.final)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(d.path, d.final); err != nil {
			return fail("switch to the new", err)
		}
		d.path = ""
	} else if err := exchange(d.path, d.final); err != nil {
		return fail("switch to the new", err)
	}
	// From here the new output is in place; failures only leave garbage
	// that the next BeginDir removes.
	syncDir(filepath.Dir(d.final))
	defer d.unlock()
	if d.path == "" {
		return nil
	}
	if err := d.step("remove old"); err != nil {
		return nil
	}
	os.RemoveAll(d.path)
	return nil
}

// exchange swaps the directories a and b atomically. Where the file system
// cannot (no RENAME_EXCHANGE), b moves aside and a takes its name: two
// renames, between which neither is at b; the next BeginDir finds the
// moved-aside one as a leftover.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.ENOTSUP) {
		return err
	}
	aside := a + "-old"
	if err := os.Rename(b, aside); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		os.Rename(aside, b)
		return err
	}
	return os.Rename(aside, a)
}

// Abort removes the new generation and releases the lock; the current
// output stays as it was. Safe after Commit.
func (d *Dir) Abort() {
	if d.done {
		return
	}
	d.done = true
	os.RemoveAll(d.path)
	d.unlock()
}

func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
				return err
			}
		}
		return nil
	})
}

// Overlaps reports whether the paths a and b are the same directory or one
// lies inside the other (after resolving symlinks of the parts that exist),
// so writing b would replace or delete a.
func Overlaps(a, b string) (bool, error) {
	ra, err := resolve(a)
	if err != nil {
		return false, err
	}
	rb, err := resolve(b)
	if err != nil {
		return false, err
	}
	return within(ra, rb) || within(rb, ra), nil
}

func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// resolve makes p absolute and resolves symlinks in its longest existing
// prefix.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	cur := abs
	for {
		r, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
}
