package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
)

func labelNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i)
	}
	return names
}

// testOptions are short timeouts and backoffs so the fault tests run in
// seconds.
func testOptions(lists []string, out string) Options {
	return Options{
		Lists: lists, LabelNames: labelNames(25), Out: out,
		Workers: 8, PerHost: 4, UserAgent: "curate-test/1.0 (+https://example.invalid)",
		Timeout: time.Second, Retries: 2,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond, MaxRetryAfter: 3 * time.Second,
		MaxBytes: 256 << 10, MaxPixels: 40_000_000, MaxRedirects: 3,
		AllowPrivate: true, SyncEvery: 4,
	}
}

func writeList(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// faultCase is one URL of the fault list and what must become of it.
type faultCase struct {
	path   string
	label  int
	reason string
	hits   int // requests the server must see; 0 = not checked
}

func TestFetchFaults(t *testing.T) {
	srv := newFaultServer(t)
	jpg := func(seed uint64) []byte { return makeJPEG(t, seed, 220, 160) }
	for i, name := range []string{"1.jpg", "2.jpg", "f.jpg", "t.jpg", "s.jpg", "h.jpg", "tr.jpg", "w.jpg", "chain.jpg"} {
		srv.images["/img/"+name] = jpg(uint64(i + 1))
	}
	same := jpg(77)
	srv.images["/raw/same-a.jpg"] = same
	srv.images["/raw/same-b.jpg"] = same
	srv.images["/raw/corrupt.jpg"] = corruptJPEG(t)
	cut := jpg(78)
	srv.images["/raw/cut.jpg"] = cut[:len(cut)/2]
	srv.images["/raw/bomb.png"] = bombPNG(t, 20000, 20000)
	srv.images["/raw/p.png"] = makePNG(t, 5, 40, 30)
	srv.images["/raw/g.gif"] = makeGIF(t, 6, 20, 10)
	srv.images["/raw/w.webp"] = readTestdata(t, "lossy.webp")

	const retries = 2
	cases := []faultCase{
		{"/img/1.jpg", 0, ReasonOK, 1},
		{"/img/2.jpg", 19, ReasonOK, 1},
		{"/status/404", 1, ReasonHTTP404, 1},
		{"/status/403", 2, ReasonHTTP403, 1},
		{"/status/410", 3, ReasonHTTP410, 1},
		{"/status/400", 3, ReasonHTTP4xx, 1},
		{"/status/503", 3, ReasonHTTP5xx, retries + 1},
		{"/flaky/f.jpg", 5, ReasonOK, 2},
		{"/throttled/t.jpg", 6, ReasonOK, 2},
		{"/always429/x.jpg", 6, ReasonHTTP429, retries + 1},
		{"/slow/s.jpg", 7, ReasonOK, 1},
		{"/hang/h.jpg", 8, ReasonTimeout, retries + 1},
		{"/hangheaders/h.jpg", 8, ReasonTimeout, retries + 1},
		{"/truncated/tr.jpg", 9, ReasonTruncated, retries + 1},
		{"/wrongtype/w.jpg", 10, ReasonOK, 1},
		{"/html/page.jpg", 11, ReasonNotImage, 1},
		{"/raw/corrupt.jpg", 12, ReasonDecodeError, 1},
		{"/raw/cut.jpg", 13, ReasonDecodeError, 1},
		{"/raw/bomb.png", 14, ReasonTooManyPixels, 1},
		{"/raw/p.png", 15, ReasonOK, 1},
		{"/raw/g.gif", 16, ReasonOK, 1},
		{"/raw/w.webp", 17, ReasonOK, 1},
		{"/big/b.jpg", 18, ReasonTooLarge, 1},
		{"/bigdeclared/b.jpg", 18, ReasonTooLarge, 1},
		{"/loop/a", 20, ReasonRedirectLoop, 1},
		{"/chain/3", 21, ReasonOK, 1},
		{"/chain/9", 21, ReasonTooManyRedirects, 1},
		{"/raw/same-a.jpg", 22, ReasonOK, 1},
		{"/raw/same-b.jpg", 23, ReasonOK, 1},
	}
	var list strings.Builder
	for i, c := range cases {
		fmt.Fprintf(&list, "%s %d\n", srv.url(c.path), c.label)
		if i == 3 {
			// The same URL again, with another label and with its own label.
			fmt.Fprintf(&list, "%s %d\n%s %d\n", srv.url("/img/1.jpg"), 4, srv.url("/img/1.jpg"), 0)
			list.WriteString("this is not a URL 3\n")
			fmt.Fprintf(&list, "%s 25\n", srv.url("/img/range.jpg"))
			fmt.Fprintf(&list, "%s\n", srv.url("/img/nolabel.jpg"))
		}
	}
	list.WriteString("ftp://files.example/x.jpg 3\n")
	dir := t.TempDir()
	listPath := writeList(t, dir, "train25.txt", list.String())
	out := filepath.Join(dir, "out")

	var malformed []string
	o := testOptions([]string{listPath}, out)
	o.OnMalformed = func(e *LineError) { malformed = append(malformed, e.Error()) }
	st, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}

	// Malformed lines are reported with file and line and skipped.
	wantBad := []string{listPath + ":7:", listPath + ":8:", listPath + ":9:"}
	if len(malformed) != len(wantBad) {
		t.Fatalf("malformed lines %q, want 3", malformed)
	}
	for i, w := range wantBad {
		if !strings.HasPrefix(malformed[i], w) {
			t.Errorf("malformed line %d reported as %q, want prefix %q", i, malformed[i], w)
		}
	}

	// Every URL in the ledger once, in list order, with the right reason.
	var recs []*Record
	if err := ReadLedger(filepath.Join(out, LedgerFile), func(r *Record) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(cases), faultCase{path: "ftp", reason: ReasonBadScheme})
	if len(recs) != len(want) {
		t.Fatalf("ledger has %d records, want %d", len(recs), len(want))
	}
	byURL := map[string]*Record{}
	for i, c := range want {
		r := recs[i]
		u := srv.url(c.path)
		if c.path == "ftp" {
			u = "ftp://files.example/x.jpg"
		}
		if r.URL != u {
			t.Fatalf("ledger record %d is %s, want %s", i, r.URL, u)
		}
		byURL[u] = r
		if r.Reason != c.reason {
			t.Errorf("%s: reason %s (%s), want %s", c.path, r.Reason, r.Error, c.reason)
		}
		if wantStatus := map[bool]string{true: StatusOK, false: StatusFailed}[c.reason == ReasonOK]; r.Status != wantStatus {
			t.Errorf("%s: status %s, want %s", c.path, r.Status, wantStatus)
		}
		if c.hits > 0 && srv.hitCount(c.path) != c.hits {
			t.Errorf("%s: %d requests, want %d", c.path, srv.hitCount(c.path), c.hits)
		}
		if c.hits > 0 && c.path != "/chain/3" && r.Attempts != c.hits {
			t.Errorf("%s: ledger says %d attempts, server saw %d", c.path, r.Attempts, c.hits)
		}
	}
	if got := byURL[srv.url("/img/1.jpg")].Labels; !slices.Equal(got, []int{0, 4}) {
		t.Errorf("labels of a URL listed three times: %v, want [0 4]", got)
	}
	if a, b := byURL[srv.url("/raw/same-a.jpg")], byURL[srv.url("/raw/same-b.jpg")]; b.DuplicateOf != a.ID || a.DuplicateOf != "" {
		t.Errorf("identical bytes: duplicate_of %q / %q, want %q on the second only", a.DuplicateOf, b.DuplicateOf, a.ID)
	}

	// Retry-After was honoured.
	srv.mu.Lock()
	tt := srv.times["/throttled/t.jpg"]
	ua := srv.userAgent
	srv.mu.Unlock()
	if gap := tt[1].Sub(tt[0]); gap < 950*time.Millisecond {
		t.Errorf("retried a 429 with Retry-After: 1 after %v", gap)
	}
	if ua != o.UserAgent {
		t.Errorf("User-Agent %q, want %q", ua, o.UserAgent)
	}

	// The shards hold every good image exactly once, in list order, as served.
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	sp := ds.Splits[0]
	if !slices.Equal(sp.LabelNames, o.LabelNames) {
		t.Errorf("label names %v", sp.LabelNames)
	}
	var wantRows []faultCase
	for _, c := range cases {
		if c.reason == ReasonOK {
			wantRows = append(wantRows, c)
		}
	}
	if sp.NumRows() != int64(len(wantRows)) || st.Rows != int64(len(wantRows)) {
		t.Fatalf("%d rows (stats %d), want %d", sp.NumRows(), st.Rows, len(wantRows))
	}
	for i, c := range wantRows {
		row, err := sp.Row(int64(i))
		if err != nil {
			t.Fatal(err)
		}
		served := srv.images[c.path]
		if served == nil {
			_, name, _ := strings.Cut(strings.TrimPrefix(c.path, "/"), "/")
			served = srv.images["/img/"+name]
		}
		if c.path == "/chain/3" {
			served = srv.images["/img/chain.jpg"]
		}
		rec := byURL[srv.url(c.path)]
		switch {
		case row.URL != srv.url(c.path):
			t.Errorf("row %d is %s, want %s", i, row.URL, srv.url(c.path))
		case !bytes.Equal(row.Image, served):
			t.Errorf("row %d (%s): %d bytes differ from the %d served", i, c.path, len(row.Image), len(served))
		case row.ID != rec.ID || row.SHA256 != rec.SHA256 || row.List != "train25.txt":
			t.Errorf("row %d: id %s sha %s list %s, ledger %s %s", i, row.ID, row.SHA256, row.List, rec.ID, rec.SHA256)
		case row.Label != int64(c.label) || row.Labels[0] != int64(c.label):
			t.Errorf("row %d: label %d %v, want %d", i, row.Label, row.Labels, c.label)
		case int(row.Width) != rec.Width || row.Format != rec.Format || row.Width == 0:
			t.Errorf("row %d: %dx%d %s, ledger %dx%d %s", i, row.Width, row.Height, row.Format, rec.Width, rec.Height, rec.Format)
		}
	}
	if st.ByStatus[StatusOK] != len(wantRows) || st.ByReason[ReasonHTTP404] != 1 || st.DuplicateBytes != 1 ||
		st.MalformedLines != 3 || st.RepeatedLines != 2 || st.MultiLabelURLs != 1 || !st.Complete || st.Run.HostSlowdowns < 2 {
		t.Errorf("stats %+v", st)
	}

	// A second run has nothing to do and writes the same shards.
	before := shardBytes(t, out)
	hitsBefore := srv.totalHits()
	st2, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if srv.totalHits() != hitsBefore || st2.Run.Skipped != len(want) || st2.Run.Fetched != 0 {
		t.Errorf("rerun made %d requests, skipped %d", srv.totalHits()-hitsBefore, st2.Run.Skipped)
	}
	if !bytes.Equal(shardBytes(t, out), before) {
		t.Error("rerun changed the shards")
	}

	// --retry-failed asks again for the failed URLs only.
	o.RetryFailed = true
	o.Retries = -1
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if srv.hitCount("/status/404") != 2 || srv.hitCount("/img/1.jpg") != 1 {
		t.Errorf("retry-failed: 404 asked %d times, a good image %d times", srv.hitCount("/status/404"), srv.hitCount("/img/1.jpg"))
	}
	if !bytes.Equal(shardBytes(t, out), before) {
		t.Error("retry-failed with the same failures changed the shards")
	}
}

func (s *faultServer) totalHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		n += h
	}
	return n
}

// shardBytes concatenates the dataset's shard files in name order.
func shardBytes(t testing.TB, dir string) []byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "data-*-of-*.arrow"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no shards in %s (%v)", dir, err)
	}
	var all []byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestFetchBlocksPrivateAddresses(t *testing.T) {
	srv := newFaultServer(t)
	srv.images["/img/1.jpg"] = makeJPEG(t, 1, 20, 20)
	port := srv.Listener.Addr().(interface{ String() string }).String()
	_, port, _ = strings.Cut(port, ":")
	dir := t.TempDir()
	list := writeList(t, dir, "l.txt", fmt.Sprintf(
		"%s 1\nhttp://localhost:%s/img/1.jpg 2\nhttp://[::1]:%s/img/1.jpg 3\nhttp://169.254.169.254/latest/meta-data 4\nhttp://10.1.2.3:%s/x.jpg 5\n",
		srv.url("/img/1.jpg"), port, port, port))
	o := testOptions([]string{list}, filepath.Join(dir, "out"))
	o.AllowPrivate = false
	o.Retries = -1
	st, err := Run(context.Background(), o)
	if !errors.Is(err, ErrNothingFetched) || st == nil {
		t.Fatalf("err = %v, want ErrNothingFetched with the stats", err)
	}
	if st.ByReason[ReasonBlockedPrivate] != 5 || st.Rows != 0 {
		t.Errorf("by reason %v, rows %d; want all 5 blocked", st.ByReason, st.Rows)
	}
	if n := srv.totalHits(); n != 0 {
		t.Errorf("the server saw %d requests", n)
	}
}

func TestFetchPerHostLimit(t *testing.T) {
	srv := newFaultServer(t)
	srv.latency = 20 * time.Millisecond
	var list strings.Builder
	for i := range 60 {
		name := fmt.Sprintf("%d.jpg", i)
		srv.images["/img/"+name] = makeJPEG(t, uint64(i), 16, 16)
		fmt.Fprintf(&list, "%s %d\n", srv.url("/img/"+name), i%25)
	}
	dir := t.TempDir()
	o := testOptions([]string{writeList(t, dir, "l.txt", list.String())}, filepath.Join(dir, "out"))
	o.Workers, o.PerHost = 32, 3
	st, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 60 {
		t.Fatalf("%d rows", st.Rows)
	}
	if p := srv.peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak of %d requests at once with --per-host 3", p)
	}
}

func TestFetchCancelKeepsWork(t *testing.T) {
	srv := newFaultServer(t)
	srv.latency = 30 * time.Millisecond
	var list strings.Builder
	for i := range 80 {
		name := fmt.Sprintf("%d.jpg", i)
		srv.images["/img/"+name] = makeJPEG(t, uint64(i), 16, 16)
		fmt.Fprintf(&list, "%s %d\n", srv.url("/img/"+name), i%25)
	}
	dir := t.TempDir()
	listPath := writeList(t, dir, "l.txt", list.String())
	o := testOptions([]string{listPath}, filepath.Join(dir, "out"))
	o.Workers, o.PerHost = 4, 4
	ctx, cancel := context.WithCancel(context.Background())
	o.Counter = pipeline.NewCounter(0)
	go func() { // cancel once some URLs are done, as Ctrl-C would
		for o.Counter.Snapshot().Done < 12 {
			time.Sleep(2 * time.Millisecond)
		}
		cancel()
	}()
	st, err := Run(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: %v", err)
	}
	if st == nil || st.Complete || !st.Run.Interrupted || st.Rows == 0 || st.Rows == 80 {
		t.Fatalf("interrupted run: %+v", st)
	}
	// The shards of the interrupted run are readable and hold what finished.
	ds, err := shards.Open(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	if ds.NumRows() != st.Rows {
		t.Errorf("%d rows on disk, stats say %d", ds.NumRows(), st.Rows)
	}
	ds.Close()
	o.Counter = nil
	st2, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if st2.Rows != 80 || st2.Run.Skipped != int(st.Rows) || st2.Run.Fetched != 80-int(st.Rows) {
		t.Errorf("resumed run: rows %d, skipped %d, fetched %d (first run %d rows)", st2.Rows, st2.Run.Skipped, st2.Run.Fetched, st.Rows)
	}
	for i := range 80 {
		if h := srv.hitCount(fmt.Sprintf("/img/%d.jpg", i)); h > 1 {
			// Only requests cut by the cancel may repeat.
			if h > 2 {
				t.Errorf("/img/%d.jpg fetched %d times", i, h)
			}
		}
	}
}
