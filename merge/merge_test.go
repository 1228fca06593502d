package merge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/ocr"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/partition"
	"github.com/curate-ml/curate/webemo"
)

// serve serves testdata/images on loopback and returns the base URL.
func serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.StripPrefix("/img/", http.FileServer(http.Dir("testdata/images"))), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// writeLists writes two lists naming every test image, with the cases a
// merge must get right: the same bytes under two URLs (duplicate_of across
// parts), a URL listed twice with two labels, a 404, a malformed line.
func writeLists(t *testing.T, dir, base string) []string {
	t.Helper()
	names, err := filepath.Glob("testdata/images/*.jpg")
	if err != nil || len(names) < 10 {
		t.Fatalf("test images: %v, %d", err, len(names))
	}
	var a, b strings.Builder
	for i, n := range names {
		w := &a
		if i%3 == 2 {
			w = &b
		}
		fmt.Fprintf(w, "%s/img/%s %d\n", base, filepath.Base(n), (i*7)%25)
	}
	for i := range 4 { // the same bytes again under other URLs
		fmt.Fprintf(&b, "%s/img/%s?copy=%d %d\n", base, filepath.Base(names[i]), i, 4)
	}
	fmt.Fprintf(&b, "%s/img/%s 19\n", base, filepath.Base(names[1])) // listed again, another label
	fmt.Fprintf(&a, "%s/img/missing-%d.jpg 3\n", base, 1)
	fmt.Fprintf(&a, "%s/img/missing-%d.jpg 3\n", base, 2)
	a.WriteString("not a url line\n")
	la, lb := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	for p, s := range map[string]string{la: a.String(), lb: b.String()} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{la, lb}
}

func fetchOpts(lists []string, out string, p partition.Spec) fetch.Options {
	return fetch.Options{
		Lists: lists, LabelNames: webemo.DefaultCategories().Level3Names(), Out: out,
		Workers: 4, PerHost: 4, UserAgent: "curate-test", Timeout: 5 * time.Second, Retries: -1,
		AllowPrivate: true, ShardBytes: 30_000, Partition: p,
	}
}

// compareTrees fails unless a and b hold the same files with the same bytes;
// normalise, if set, may rewrite a file's bytes (by relative path) first.
func compareTrees(t *testing.T, a, b string, skip map[string]bool, normalise func(rel string, data []byte) []byte) int {
	t.Helper()
	read := func(root string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if skip[filepath.Base(rel)] || strings.HasPrefix(filepath.Base(rel), ".") {
				return nil // hidden: locks, temporaries
			}
			data, err := os.ReadFile(p)
			if normalise != nil {
				data = normalise(rel, data)
			}
			files[rel] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	fa, fb := read(a), read(b)
	for rel, da := range fa {
		db, ok := fb[rel]
		switch {
		case !ok:
			t.Errorf("%s: in %s, not in %s", rel, a, b)
		case !bytes.Equal(da, db):
			t.Errorf("%s differs between %s and %s (%d vs %d bytes)", rel, a, b, len(da), len(db))
		}
	}
	for rel := range fb {
		if _, ok := fa[rel]; !ok {
			t.Errorf("%s: in %s, not in %s", rel, b, a)
		}
	}
	return len(fa)
}

// withoutKey re-encodes a JSON document or JSON lines without the given
// top-level key (the fields that describe a run, not the data).
func withoutKey(data []byte, key string) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(line, &m) != nil {
			return data // a multi-line document: handled whole below
		}
		delete(m, key)
		b, _ := json.Marshal(m)
		out.Write(b)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func withoutKeyDoc(data []byte, key string) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return data
	}
	delete(m, key)
	b, _ := json.Marshal(m)
	return b
}

// TestThreePartitionsMergeToOneRun runs fetch and filter-text once over
// everything and in 3 partitions, merges the partitions and compares.
func TestThreePartitionsMergeToOneRun(t *testing.T) {
	ctx := context.Background()
	base := serve(t)
	root := t.TempDir()
	lists := writeLists(t, root, base)

	single := filepath.Join(root, "single-fetch")
	if _, err := fetch.Run(ctx, fetchOpts(lists, single, partition.Spec{})); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, Options{Parts: []string{single}, Out: filepath.Join(root, "x")}); err == nil || !strings.Contains(err.Error(), "--partition") {
		t.Errorf("merging a run without --partition: err %v", err)
	}
	var parts []string
	for i := range 3 {
		dir := filepath.Join(root, fmt.Sprintf("fetch-part-%d", i))
		st, err := fetch.Run(ctx, fetchOpts(lists, dir, partition.Spec{Index: i, Count: 3}))
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if st.URLs == 0 {
			t.Fatalf("part %d holds no URL: the test would not test much", i)
		}
		parts = append(parts, dir)
	}
	merged := filepath.Join(root, "merged-fetch")
	res, err := Run(ctx, Options{Parts: []string{parts[2], parts[0], parts[1]}, Out: merged})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stage != "fetch" || res.Parts != 3 {
		t.Fatalf("result %+v", res)
	}
	runless := func(rel string, data []byte) []byte {
		if rel == fetch.StatsFile {
			return withoutKeyDoc(data, "run")
		}
		return data
	}
	n := compareTrees(t, single, merged, map[string]bool{}, runless)
	if n < 5 {
		t.Fatalf("compared only %d files", n)
	}
	// The case that only a merge over every part gets right: identical bytes
	// under URLs of different parts.
	ledger, _ := os.ReadFile(filepath.Join(merged, fetch.LedgerFile))
	if c := bytes.Count(ledger, []byte(`"duplicate_of"`)); c < 4 {
		t.Errorf("merged ledger marks %d duplicates, want 4 or more", c)
	}

	// filter-text over the merged fetch, once and in 3 parts.
	singleF := filepath.Join(root, "single-filter")
	fcfg := func(out string, p partition.Spec) filter.Config {
		// One OCR pass keeps the test quick; the merge does not depend on it.
		return filter.Config{In: merged, Out: out, Workers: 2, ShardBytes: 30_000, Partition: p, Detector: ocr.Options{Passes: []string{"auto"}}}
	}
	stSingle, err := filter.Run(ctx, fcfg(singleF, partition.Spec{}))
	if err != nil {
		t.Fatal(err)
	}
	if stSingle.Dropped == 0 || stSingle.Kept == 0 {
		t.Fatalf("the single filter run kept %d, dropped %d: want both", stSingle.Kept, stSingle.Dropped)
	}
	var fparts []string
	for i := range 3 {
		dir := filepath.Join(root, fmt.Sprintf("filter-part-%d", i))
		if _, err := filter.Run(ctx, fcfg(dir, partition.Spec{Index: i, Count: 3})); err != nil {
			t.Fatalf("filter part %d: %v", i, err)
		}
		fparts = append(fparts, dir)
	}
	mergedF := filepath.Join(root, "merged-filter")
	if _, err := Run(ctx, Options{Parts: fparts, Out: mergedF}); err != nil {
		t.Fatal(err)
	}
	msless := func(rel string, data []byte) []byte {
		if rel == filter.VerdictsFile {
			return withoutKey(data, "ms")
		}
		return data
	}
	// verdicts.journal is the resume journal, in completion order.
	n = compareTrees(t, singleF, mergedF, map[string]bool{filter.JournalFile: true}, msless)
	if _, err := os.Stat(filepath.Join(mergedF, filter.SheetsDir, "page-0001.png")); err != nil {
		t.Errorf("no contact sheet in the merge: %v", err)
	}
	if n < 5 {
		t.Fatalf("compared only %d files", n)
	}
}

func TestMergeRefusesIncompleteSets(t *testing.T) {
	ctx := context.Background()
	base := serve(t)
	root := t.TempDir()
	lists := writeLists(t, root, base)
	var parts []string
	for i := range 2 {
		dir := filepath.Join(root, fmt.Sprintf("p%d", i))
		if _, err := fetch.Run(ctx, fetchOpts(lists, dir, partition.Spec{Index: i, Count: 3})); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, dir)
	}
	other := filepath.Join(root, "other")
	o := fetchOpts(lists, other, partition.Spec{Index: 2, Count: 3})
	o.ShardBytes = 1 << 20
	if _, err := fetch.Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string][]string{
		"missing part":      parts,
		"part given twice":  {parts[0], parts[1], parts[1]},
		"different options": {parts[0], parts[1], other},
	} {
		_, err := Run(ctx, Options{Parts: tc, Out: filepath.Join(root, "out-"+strings.ReplaceAll(name, " ", "-"))})
		if !errors.Is(err, ErrParts) {
			t.Errorf("%s: err %v, want ErrParts", name, err)
		}
	}
	if _, err := Run(ctx, Options{Parts: []string{root}, Out: filepath.Join(root, "x")}); err == nil || !strings.Contains(err.Error(), "neither") {
		t.Errorf("a folder that is no stage output: err %v", err)
	}
}
