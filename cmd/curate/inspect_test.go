package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curate-ml/curate/shards"
)

func inspectTestGlobal() (*Global, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Global{Stdout: &out, Stderr: &errb, Quiet: true}, &out, &errb
}

func pngBytes(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(0, 0, c)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeTestDataset writes a two-split dataset; rows of split "test" with
// badSHA get a wrong sha256.
func writeTestDataset(t *testing.T, badSHA bool) string {
	t.Helper()
	root := t.TempDir()
	for si, split := range []string{"train", "test"} {
		w, err := shards.Create(filepath.Join(root, split), shards.WriterOptions{LabelNames: []string{"others", "sadness"}, Split: split})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10+si; i++ {
			img := pngBytes(t, 8+i, 6, color.RGBA{uint8(i), 0, 0, 255})
			sum := sha256.Sum256(img)
			sha := hex.EncodeToString(sum[:])
			if badSHA && split == "test" && i == 3 {
				sha = strings.Repeat("0", 64)
			}
			err := w.Write(&shards.Row{ID: split + "-" + string(rune('a'+i)), Image: img, Label: int64(i % 3 / 2),
				SourceLabel: shards.NoLabel, SHA256: sha, Format: "png", Width: int32(8 + i), Height: 6})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := shards.WriteDatasetDict(root, []string{"train", "test"}); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestInspectJSON(t *testing.T) {
	root := writeTestDataset(t, false)
	g, out, _ := inspectTestGlobal()
	export := filepath.Join(t.TempDir(), "look")
	err := runInspect(context.Background(), InspectOptions{Path: root, JSON: true, Verify: true, Head: 2, ExportImages: export, Limit: 3}, g)
	if err != nil {
		t.Fatal(err)
	}
	var rep InspectReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if rep.Rows != 21 || len(rep.Splits) != 2 || rep.Splits[1].Name != "test" || rep.Splits[1].Rows != 11 {
		t.Fatalf("report rows/splits wrong: %+v", rep)
	}
	train := rep.Splits[0]
	// label = i%3/2 over i=0..9: 1 for i in {2,5,8}
	want := []LabelCount{{0, "others", 7}, {1, "sadness", 3}}
	if len(train.Labels) != 2 || train.Labels[0] != want[0] || train.Labels[1] != want[1] {
		t.Errorf("train labels = %+v, want %+v", train.Labels, want)
	}
	if train.Formats["png"] != 10 || train.Width.Min != 8 || train.Width.Max != 17 {
		t.Errorf("image summary = %+v %+v", train.Formats, train.Width)
	}
	if len(train.Head) != 2 || train.Head[1].ID != "train-b" {
		t.Errorf("head = %+v", train.Head)
	}
	if rep.Verified == nil || rep.Verified.Checked != 21 || rep.Verified.Failures != 0 {
		t.Errorf("verified = %+v", rep.Verified)
	}
	files, _ := os.ReadDir(export)
	if len(files) != 6 {
		t.Errorf("exported %d images, want 3 per split", len(files))
	}
}

func TestInspectVerifyFailsOnBadSHA(t *testing.T) {
	root := writeTestDataset(t, true)
	g, out, _ := inspectTestGlobal()
	err := runInspect(context.Background(), InspectOptions{Path: root, Verify: true}, g)
	if err == nil || exitCode(err) != exitError {
		t.Fatalf("err = %v, want a failure", err)
	}
	if !strings.Contains(out.String(), `test row 3 (id "test-d"): sha256`) {
		t.Errorf("output does not name the bad row:\n%s", out)
	}
}

func TestInspectBadPath(t *testing.T) {
	g, _, _ := inspectTestGlobal()
	bad := filepath.Join(t.TempDir(), "x.arrow")
	os.WriteFile(bad, []byte("not arrow at all, definitely not"), 0o644)
	err := runInspect(context.Background(), InspectOptions{Path: bad}, g)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("err = %v, want an error naming %s", err, bad)
	}
}
