package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// ManifestDir is where, under the output root, the stage manifests live.
const ManifestDir = "manifests"

// Manifest is ROOT/manifests/STAGE.json, written when a stage finishes.
type Manifest struct {
	Stage         string          `json:"stage"`
	CurateVersion string          `json:"curate_version"`
	CurateBuild   string          `json:"curate_build,omitempty"` // Options.Build: the binary's sha256
	Key           string          `json:"key"`                    // sha256 over version, build, options and inputs
	Options       json.RawMessage `json:"options"`                // the stage's options as the config gave them
	Inputs        []Digest        `json:"inputs"`                 // files outside the pipeline, then upstream outputs
	Output        string          `json:"output"`                 // the stage's output folder, relative to the root
	Outputs       []FileDigest    `json:"outputs"`
	OutputDigest  string          `json:"output_digest"` // sha256 over Outputs' paths and sums
	Finished      string          `json:"finished"`      // RFC 3339
	Seconds       float64         `json:"seconds"`
}

// Digest names one input and its content digest.
type Digest struct {
	Name   string `json:"name"` // a path, or "stage:NAME" for an upstream stage's outputs
	SHA256 string `json:"sha256"`
}

// FileDigest is one output file.
type FileDigest struct {
	Path    string `json:"path"` // relative to the stage's output folder, slash-separated
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	SHA256  string `json:"sha256"`
}

func manifestPath(root, stage string) string {
	return filepath.Join(root, ManifestDir, stage+".json")
}

// ReadManifest reads a stage's manifest; (nil, nil) when there is none.
func ReadManifest(root, stage string) (*Manifest, error) {
	b, err := os.ReadFile(manifestPath(root, stage))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w (remove it to run the stage again)", manifestPath(root, stage), err)
	}
	return &m, nil
}

func writeManifest(root string, m *Manifest) error {
	if err := os.MkdirAll(filepath.Join(root, ManifestDir), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(manifestPath(root, m.Stage), append(b, '\n'))
}

func removeManifest(root, stage string) error {
	err := os.Remove(manifestPath(root, stage))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// ignoredOutput reports whether a file under a stage's output is left out
// of its digest: hidden files (locks, temporaries).
func ignoredOutput(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// digestTree hashes every file under dir. known, if set, gives earlier
// digests: a file with the same size and mtime keeps its recorded sha256.
func digestTree(dir string, known []FileDigest) ([]FileDigest, string, error) {
	prev := map[string]FileDigest{}
	for _, f := range known {
		prev[f.Path] = f
	}
	var files []FileDigest
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ignoredOutput(rel) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := FileDigest{Path: rel, Size: info.Size(), ModTime: info.ModTime().UnixNano()}
		if k, ok := prev[rel]; ok && k.Size == f.Size && k.ModTime == f.ModTime {
			f.SHA256 = k.SHA256
		} else if f.SHA256, err = hashFile(p); err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("digest %s: %w", dir, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, treeDigest(files), nil
}

// treeDigest is the sha256 over the sorted (path, sha256) pairs.
func treeDigest(files []FileDigest) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%s\n", f.Path, f.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// digestInput hashes an input path: a file's bytes, or a folder's tree.
func digestInput(p string) (string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("input %s: %w", p, err)
	}
	if st.IsDir() {
		_, d, err := digestTree(p, nil)
		return d, err
	}
	return hashFile(p)
}
