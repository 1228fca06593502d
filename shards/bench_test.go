package shards

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// benchRows are WEBEmo-like rows: ~220x160 JPEG thumbnails.
func benchRows(b *testing.B, n int) ([]*Row, int64) {
	b.Helper()
	rows := make([]*Row, n)
	var total int64
	distinct := min(n, 200)
	imgs := make([][]byte, distinct)
	for i := range imgs {
		imgs[i] = testJPEG(b, uint64(i), 220, 160)
	}
	for i := range rows {
		img := imgs[i%distinct]
		rows[i] = &Row{ID: fmt.Sprintf("%08d", i), Image: img, Label: int64(i % 2), SourceLabel: NoLabel,
			URL: fmt.Sprintf("https://as2.ftcdn.net/jpg/%08d.jpg", i), Format: "jpeg", Width: 220, Height: 160}
		total += int64(len(img))
	}
	return rows, total
}

// BenchmarkWrite measures writing shards against the baseline of writing
// the same images as individual files into a directory (what img2dataset's
// "files" output does), in the same run.
func BenchmarkWrite(b *testing.B) {
	rows, total := benchRows(b, 2000)
	var shardTime, fileTime time.Duration
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		start := time.Now()
		w, err := Create(filepath.Join(dir, "shards"), WriterOptions{ShardBytes: 8 << 20})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		shardTime += time.Since(start)

		start = time.Now()
		files := filepath.Join(dir, "files")
		os.Mkdir(files, 0o755)
		for _, r := range rows {
			if err := os.WriteFile(filepath.Join(files, r.ID+".jpg"), r.Image, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		fileTime += time.Since(start)
	}
	mb := float64(total) * float64(b.N) / 1e6
	b.ReportMetric(mb/shardTime.Seconds(), "shard_MB/s")
	b.ReportMetric(mb/fileTime.Seconds(), "files_MB/s")
	b.ReportMetric(fileTime.Seconds()/shardTime.Seconds(), "x_vs_files")
}

// BenchmarkRead measures streaming every row's image bytes through the
// iterator (rows/s and MB/s) against reading the same images as individual
// files from a directory, in the same run. Caches are warm for both.
func BenchmarkRead(b *testing.B) {
	rows, total := benchRows(b, 5000)
	dir := b.TempDir()
	writeSplit(b, filepath.Join(dir, "shards"), rows, WriterOptions{ShardBytes: 16 << 20})
	files := filepath.Join(dir, "files")
	os.Mkdir(files, 0o755)
	for _, r := range rows {
		os.WriteFile(filepath.Join(files, r.ID+".jpg"), r.Image, 0o644)
	}
	var shardTime, fileTime time.Duration
	var sink int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		d, err := Open(filepath.Join(dir, "shards"))
		if err != nil {
			b.Fatal(err)
		}
		it := d.Splits[0].Iter()
		n := 0
		for {
			r, err := it.Next()
			if err != nil {
				break
			}
			sink += int(r.Image[len(r.Image)-1]) // touch the bytes
			n += len(r.Image)
		}
		d.Close()
		shardTime += time.Since(start)
		if int64(n) != total {
			b.Fatalf("read %d bytes, want %d", n, total)
		}

		start = time.Now()
		for _, r := range rows {
			data, err := os.ReadFile(filepath.Join(files, r.ID+".jpg"))
			if err != nil {
				b.Fatal(err)
			}
			sink += int(data[len(data)-1])
		}
		fileTime += time.Since(start)
	}
	nrows := float64(len(rows) * b.N)
	mb := float64(total) * float64(b.N) / 1e6
	b.ReportMetric(nrows/shardTime.Seconds(), "shard_rows/s")
	b.ReportMetric(mb/shardTime.Seconds(), "shard_MB/s")
	b.ReportMetric(nrows/fileTime.Seconds(), "files_rows/s")
	b.ReportMetric(mb/fileTime.Seconds(), "files_MB/s")
	b.ReportMetric(fileTime.Seconds()/shardTime.Seconds(), "x_vs_files")
	_ = sink
}

// BenchmarkOpenDecoders opens the same in-memory shard (5000 images) with
// NewShard (arrow-go's IPC reader plus curate's checks: verifyMessage,
// validate, column typing) and with the bare arrow-go reader fed the same
// zero-copy messages, in the same run, and reports time and bytes allocated
// per open: the difference is the price of the checks. arrow/go/v15's
// reader copied every buffer (hence the old decode.go); arrow-go/v18 slices
// the message body, so bytes allocated do not grow with the images.
func BenchmarkOpenDecoders(b *testing.B) {
	rows, _ := benchRows(b, 5000)
	dir := b.TempDir()
	writeSplit(b, dir, rows, WriterOptions{})
	data, err := os.ReadFile(filepath.Join(dir, ShardName(0, 1)))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("curate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := NewShard("bench", data)
			if err != nil || s.Rows != int64(len(rows)) {
				b.Fatal(err)
			}
			s.Close()
		}
	})
	b.Run("arrow-ipc", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rd, err := ipc.NewReaderFromMessageReader(&messageReader{path: "bench", data: data})
			if err != nil {
				b.Fatal(err)
			}
			var n int64
			for rd.Next() {
				n += rd.RecordBatch().NumRows()
			}
			if rd.Err() != nil || n != int64(len(rows)) {
				b.Fatal(rd.Err(), n)
			}
			rd.Release()
		}
	})
}
