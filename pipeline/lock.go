package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// ErrBusy is returned by LockDir when another process holds the lock. It is
// atomicfile.ErrBusy, so one errors.Is test covers every output lock.
var ErrBusy = atomicfile.ErrBusy

// LockDir takes an exclusive advisory lock on the file name inside dir, so
// two runs of a resumable stage never write the same output at once. The
// lock dies with the process (SIGKILL included); unlock releases it sooner.
func LockDir(dir, name string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", dir, ErrBusy)
		}
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
