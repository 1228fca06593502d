package split

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

func TestZZProf(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ZZ_N"))
	sigs := synthCrawl(n, 1)
	t0, c0 := time.Now(), cpuNow()
	_, p := searchGroups(sigs, 10, true)
	t.Logf("n=%d pairs=%d %.2fs wall %.2fs cpu", n, p, time.Since(t0).Seconds(), (cpuNow() - c0).Seconds())
}
