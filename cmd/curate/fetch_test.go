package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/webemo"
)

func fetchTestGlobal() (*Global, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Global{Stdout: &out, Stderr: &errb}, &out, &errb
}

// thumbJPEG is a WEBEmo-like thumbnail: 220x165, different for each seed.
func thumbJPEG(tb testing.TB, seed int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 220, 165))
	for y := 0; y < 165; y++ {
		for x := 0; x < 220; x++ {
			v := uint8((x*seed + y*7 + (x*y)>>5) % 256)
			img.Set(x, y, color.RGBA{v, uint8(seed*13 + y), uint8(x + seed), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// imageServer serves /img/<n>.jpg from images with an injected latency;
// everything else is a 404.
type imageServer struct {
	*httptest.Server
	images  map[string][]byte
	latency time.Duration
	mu      sync.Mutex
	hits    map[string]int
	total   atomic.Int64
}

func newImageServer(tb testing.TB, n int, latency time.Duration) *imageServer {
	s := &imageServer{images: map[string][]byte{}, hits: map[string]int{}, latency: latency}
	// Encode in parallel: thousands of thumbnails for the benchmark.
	imgs := make([][]byte, n)
	var wg sync.WaitGroup
	for w := range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += runtime.NumCPU() {
				imgs[i] = thumbJPEG(tb, i+1)
			}
		}()
	}
	wg.Wait()
	for i, b := range imgs {
		s.images[fmt.Sprintf("/img/%d.jpg", i)] = b
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.total.Add(1)
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if s.latency > 0 {
			time.Sleep(s.latency)
		}
		b, ok := s.images[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(b)
	}))
	tb.Cleanup(s.Close)
	return s
}

// writeWEBEmoList writes n image URLs (every 10th a dead link, the 5th
// listed twice with two labels) and one malformed line.
func writeWEBEmoList(tb testing.TB, dir string, s *imageServer, n int) string {
	tb.Helper()
	var b strings.Builder
	for i := range n {
		if i%10 == 9 {
			fmt.Fprintf(&b, "%s/gone/%d.jpg %d\n", s.URL, i, i%25)
			continue
		}
		fmt.Fprintf(&b, "%s/img/%d.jpg %d\n", s.URL, i, i%25)
		if i == 4 {
			fmt.Fprintf(&b, "%s/img/%d.jpg %d\n", s.URL, i, 19)
		}
	}
	b.WriteString("not-a-url-line\n")
	p := filepath.Join(dir, "train25.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestRunFetchTableAndJSON(t *testing.T) {
	srv := newImageServer(t, 30, 0)
	dir := t.TempDir()
	list := writeWEBEmoList(t, dir, srv, 30)
	out := filepath.Join(dir, "out")
	g, stdout, stderr := fetchTestGlobal()
	// The zero value of every other field is its default, as curate demo uses it.
	if err := runFetch(context.Background(), FetchOptions{Lists: []string{list}, Out: out, AllowPrivate: true}, g); err != nil {
		t.Fatal(err)
	}
	text := stdout.String()
	for _, want := range []string{"complete", "unique URLs", "30", "ok", "27", "http_404", "3", "rows", "images/s"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(stderr.String(), "train25.txt:32:") || !strings.Contains(stderr.String(), "fetch: 30/30") {
		t.Errorf("stderr lacks the malformed line or the progress line:\n%s", stderr.String())
	}
	t.Logf("\n%s", text)

	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	sp := ds.Splits[0]
	if sp.NumRows() != 27 || fmt.Sprint(sp.LabelNames) != fmt.Sprint(webemo.DefaultCategories().Level3Names()) {
		t.Errorf("%d rows, label names %v", sp.NumRows(), sp.LabelNames)
	}
	r4, err := sp.Row(4)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r4.Labels) != "[4 19]" || r4.List != "train25.txt" || r4.Format != "jpeg" || r4.Width != 220 || r4.Height != 165 {
		t.Errorf("row 4: labels %v list %s %s %dx%d", r4.Labels, r4.List, r4.Format, r4.Width, r4.Height)
	}
	ds.Close()

	// Through the command line, with --json: a rerun that has nothing to do.
	g2, stdout2, _ := fetchTestGlobal()
	g2.Quiet = true
	err = newApp(g2).RunContext(context.Background(), []string{"curate", "fetch", "--list", list, "--out", out,
		"--allow-private", "--json", "--workers", "3", "--per-host", "2", "--timeout", "5s", "--retries", "0"})
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Out string `json:"out"`
		fetch.Stats
	}
	if err := json.Unmarshal(stdout2.Bytes(), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout2.String())
	}
	if rep.Out != out || rep.Rows != 27 || rep.ByReason[fetch.ReasonHTTP404] != 3 || rep.Run.Skipped != 30 ||
		rep.Run.Workers != 3 || rep.Run.PerHost != 2 || rep.MalformedLines != 1 || !rep.Complete {
		t.Errorf("--json report: %s", stdout2.String())
	}
}

func TestFetchCommandUsage(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "l.txt")
	os.WriteFile(list, []byte("not a list\n"), 0o644)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--out", dir}, exitUsage, "--list and --out are required"},
		{[]string{"--list", list}, exitUsage, "--list and --out are required"},
		{[]string{"--list", list, "--out", dir, "--workers", "0"}, exitUsage, "--workers"},
		{[]string{"--list", list, "--out", dir, "--timeout", "-1s"}, exitUsage, "--timeout"},
		{[]string{"--list", list, "--out", dir, "--retries", "-2"}, exitUsage, "--retries -2: want 0 or more"},
		{[]string{"--list", list, "--out", dir, "--max-bytes", "3000000000"}, exitUsage, "--max-bytes"},
		{[]string{"--list", list, "--out", dir, "extra"}, exitUsage, "unexpected arguments"},
		{[]string{"--list", list, "--out", dir}, exitError, "no URLs"},
		{[]string{"--list", list, "--out", dir, "--strict"}, exitError, list + ":1:"},
		{[]string{"--list", filepath.Join(dir, "missing.txt"), "--out", dir}, exitError, "missing.txt"},
		{[]string{"--list", list, "--out", dir, "--categories", filepath.Join(dir, "nope.txt")}, exitError, "nope.txt"},
	}
	for _, tc := range tests {
		g, _, _ := fetchTestGlobal()
		g.Quiet = true
		err := newApp(g).RunContext(context.Background(), append([]string{"curate", "fetch"}, tc.args...))
		if code := exitCode(err); code != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("fetch %q: exit %d (%v), want %d with %q", tc.args, code, err, tc.code, tc.msg)
		}
	}
}

// The crash test runs `curate fetch` in a child process (this test binary,
// re-executed), SIGKILLs it mid-run, runs it again, and compares the result
// with an uninterrupted run.
const crashChildEnv = "CURATE_FETCH_CRASH_CHILD"

func TestFetchCrashChild(t *testing.T) {
	args := os.Getenv(crashChildEnv)
	if args == "" {
		return // only meaningful as the child of the SIGKILL and SIGINT tests
	}
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		t.Fatal(err)
	}
	g, _, _ := fetchTestGlobal()
	g.Quiet = true
	// As main does: SIGINT cancels the context, the exit code says how it ended.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := newApp(g).RunContext(ctx, argv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(exitCode(err))
}

// startFetchChild runs `curate fetch args...` in a child process and waits
// until its ledger holds at least lines records.
func startFetchChild(t *testing.T, args []string, ledger string, lines int) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd, out := startChild(t, "TestFetchCrashChild", crashChildEnv, args)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(ledger)
		if bytes.Count(b, []byte("\n")) >= lines {
			return cmd, out
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatalf("the child never got %d URLs done:\n%s", lines, out.String())
	return nil, nil
}

func TestFetchSIGINTStopsCleanly(t *testing.T) {
	const n = 200
	srv := newImageServer(t, n, 15*time.Millisecond)
	dir := t.TempDir()
	list := writeWEBEmoList(t, dir, srv, n)
	out := filepath.Join(dir, "out")
	args := []string{"curate", "fetch", "--list", list, "--out", out, "--allow-private", "--workers", "4", "--per-host", "4"}
	cmd, childOut := startFetchChild(t, args, filepath.Join(out, fetch.LedgerFile), n/4)
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit code %d after SIGINT, want %d:\n%s", code, exitInterrupted, childOut.String())
	}
	// Stats, ledger and shards of what finished are all there and agree.
	var st fetch.Stats
	raw, err := os.ReadFile(filepath.Join(out, fetch.StatsFile))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(raw, &st)
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	rows := ds.NumRows()
	ds.Close()
	if !st.Run.Interrupted || st.Complete || rows == 0 || rows != st.Rows || int(rows) != st.ByStatus[fetch.StatusOK] {
		t.Errorf("after SIGINT: %d rows on disk; stats %+v", rows, st)
	}
	// The same command again finishes the job.
	g, _, _ := fetchTestGlobal()
	g.Quiet = true
	if err := newApp(g).RunContext(context.Background(), args); err != nil {
		t.Fatal(err)
	}
	ds, err = shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if ds.NumRows() != n-n/10 {
		t.Errorf("%d rows after the rerun, want %d", ds.NumRows(), n-n/10)
	}
}

func TestFetchResumesAfterSIGKILL(t *testing.T) {
	const n = 400
	srv := newImageServer(t, n, 15*time.Millisecond)
	dir := t.TempDir()
	list := writeWEBEmoList(t, dir, srv, n)
	crashed, clean := filepath.Join(dir, "crashed"), filepath.Join(dir, "clean")
	args := func(out string, workers int) []string {
		return []string{"curate", "fetch", "--list", list, "--out", out, "--allow-private",
			"--workers", fmt.Sprint(workers), "--per-host", fmt.Sprint(workers), "--retries", "1", "--backoff", "10ms"}
	}

	ledger := filepath.Join(crashed, fetch.LedgerFile)
	cmd, childOut := startFetchChild(t, args(crashed, 4), ledger, n/3)
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed mid-run (%v):\n%s", err, childOut.String())
	}
	if _, err := os.Stat(filepath.Join(crashed, fetch.StatsFile)); err == nil {
		t.Fatal("the child finished before it was killed")
	}
	raw, _ := os.ReadFile(ledger)
	lines := bytes.Count(raw, []byte("\n"))
	hitsAtKill := srv.total.Load()
	t.Logf("killed after %d ledger lines, %d requests", lines, hitsAtKill)

	// Rerun the same command to the end.
	g, _, _ := fetchTestGlobal()
	g.Quiet = true
	if err := newApp(g).RunContext(context.Background(), append(args(crashed, 4), "--json")); err != nil {
		t.Fatal(err)
	}
	// At most the requests in flight at the kill are made twice.
	if extra := srv.total.Load() - int64(n); extra > 4 {
		t.Errorf("%d requests more than URLs after a kill with 4 workers", extra)
	}
	// An uninterrupted run with other concurrency.
	if err := newApp(g).RunContext(context.Background(), args(clean, 16)); err != nil {
		t.Fatal(err)
	}
	a, b := fetchShardFiles(t, crashed), fetchShardFiles(t, clean)
	if len(a) != len(b) {
		t.Fatalf("%d shards after the crash, %d without", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between the resumed and the uninterrupted run", name)
		}
	}
	ds, err := shards.Open(crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if ds.NumRows() != int64(n-n/10) {
		t.Errorf("%d rows, want %d", ds.NumRows(), n-n/10)
	}
	seen := map[string]bool{}
	if err := fetch.ReadLedger(filepath.Join(crashed, fetch.LedgerFile), func(r *fetch.Record) error {
		if seen[r.URL] {
			return fmt.Errorf("%s twice in the ledger", r.URL)
		}
		seen[r.URL] = true
		return nil
	}); err != nil || len(seen) != n {
		t.Errorf("ledger: %v, %d URLs", err, len(seen))
	}
}

func fetchShardFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "data-*.arrow"))
	m := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(n)] = b
	}
	if len(m) == 0 {
		t.Fatalf("no shards in %s", dir)
	}
	return m
}

// BenchmarkFetch serves a few thousand 220x165 JPEGs on loopback with 30 ms
// of latency per request and reports the images/s of `curate fetch` beside
// the CPU-bound limit measured in the same run: the same images decoded,
// validated, hashed, staged and written to shards with no network, on every
// CPU.
func BenchmarkFetch(b *testing.B) {
	const n = 2000
	srv := newImageServer(b, n, 30*time.Millisecond)
	dir := b.TempDir()
	var list strings.Builder
	for i := range n {
		fmt.Fprintf(&list, "%s/img/%d.jpg %d\n", srv.URL, i, i%25)
	}
	listPath := filepath.Join(dir, "list.txt")
	os.WriteFile(listPath, []byte(list.String()), 0o644)
	images := make([][]byte, n)
	for i := range n {
		images[i] = srv.images[fmt.Sprintf("/img/%d.jpg", i)]
	}

	for _, tc := range []struct {
		name             string
		workers, perHost int
	}{{"defaults", fetch.DefaultWorkers, fetch.DefaultPerHost}, {"per-host-64", 64, 64}} {
		b.Run(tc.name, func(b *testing.B) {
			var rate, cpuLimit float64
			for range b.N {
				// The CPU-bound limit, measured beside each run so both see
				// the same machine load.
				cpuDir, err := os.MkdirTemp(dir, "cpu-")
				if err != nil {
					b.Fatal(err)
				}
				cpuLimit = cpuBoundFetch(b, images, cpuDir)
				g, _, _ := fetchTestGlobal()
				g.Quiet = true
				out, err := os.MkdirTemp(dir, tc.name+"-") // a fresh output: nothing to resume
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if err := runFetch(context.Background(), FetchOptions{Lists: []string{listPath}, Out: out,
					AllowPrivate: true, Workers: tc.workers, PerHost: tc.perHost}, g); err != nil {
					b.Fatal(err)
				}
				rate = float64(n) / time.Since(start).Seconds()
			}
			b.ReportMetric(rate, "img/s")
			b.ReportMetric(cpuLimit, "cpu-limit-img/s")
			b.ReportMetric(rate/cpuLimit, "ratio")
			// With one host, at most perHost requests of 30 ms run at once.
			b.ReportMetric(float64(tc.perHost)/0.030, "latency-bound-img/s")
		})
	}
}

// cpuBoundFetch processes images as fetch does after the download (decode
// + validate + hash on every CPU, staged to a file, then written to shards
// in order) and returns images per second.
func cpuBoundFetch(b *testing.B, images [][]byte, dir string) float64 {
	b.Helper()
	os.MkdirAll(dir, 0o755)
	start := time.Now()
	staging, err := os.Create(filepath.Join(dir, "staging.bin"))
	if err != nil {
		b.Fatal(err)
	}
	defer staging.Close()
	type staged struct {
		img *fetch.Image
		off int64
	}
	out := make([]staged, len(images))
	var mu sync.Mutex
	var off int64
	idx := make(chan int)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				img, err := fetch.Validate(images[i], "image/jpeg", fetch.DefaultMaxPixels)
				if err != nil {
					panic(err)
				}
				mu.Lock()
				staging.WriteAt(img.Data, off)
				out[i] = staged{img, off}
				off += int64(len(img.Data))
				mu.Unlock()
			}
		}()
	}
	for i := range images {
		idx <- i
	}
	close(idx)
	wg.Wait()
	staging.Sync()
	w, err := shards.Create(filepath.Join(dir, "shards"), shards.WriterOptions{LabelNames: webemo.DefaultCategories().Level3Names()})
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 64<<10)
	for i, s := range out {
		buf = buf[:len(s.img.Data)]
		staging.ReadAt(buf, s.off)
		if err := w.Write(&shards.Row{ID: fmt.Sprint(i), Image: buf, Label: int64(i % 25), Labels: []int64{int64(i % 25)},
			SourceLabel: int64(i % 25), URL: "u", SHA256: s.img.SHA256, Width: int32(s.img.Width), Height: int32(s.img.Height),
			Format: s.img.Format, List: "list.txt"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return float64(len(images)) / time.Since(start).Seconds()
}
