package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/curate-ml/curate/shards"
)

// previous is the dataset an earlier run left in the output directory: a
// second source of image bytes besides the staging file, so the staging file
// can be removed after a complete run and a rerun (--retry-failed, more
// lists) still has every image it already fetched without fetching it again.
type previous struct {
	ds   *shards.Dataset
	rows map[string]prevRow // by id
}

type prevRow struct {
	index  int64
	sha256 string
}

// openPrevious opens the shards in dir, if any, and indexes the rows whose
// bytes match their sha256. Earlier shards that cannot be read are an
// error: treating them as absent would fetch everything again and record
// URLs that have died since as failed over their ok.
func openPrevious(ctx context.Context, dir string) (*previous, error) {
	names, _ := filepath.Glob(filepath.Join(dir, "data-*-of-*.arrow"))
	_, stErr := os.Stat(filepath.Join(dir, "state.json"))
	if len(names) == 0 && errors.Is(stErr, os.ErrNotExist) {
		return nil, nil // a first run
	}
	ds, err := shards.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("the earlier shards in %s cannot be read (%w); restore them, or move the folder away to fetch everything again", dir, err)
	}
	if len(ds.Splits) != 1 {
		ds.Close()
		return nil, fmt.Errorf("the earlier output in %s holds %d splits, not one fetch split", dir, len(ds.Splits))
	}
	p := &previous{ds: ds, rows: map[string]prevRow{}}
	it := ds.Splits[0].Iter()
	for {
		r, err := it.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if it.Index()%1024 == 0 && ctx.Err() != nil {
			ds.Close()
			return nil, ctx.Err()
		}
		if err != nil {
			ds.Close()
			return nil, fmt.Errorf("read the earlier shards in %s: %w", dir, err)
		}
		sum := sha256.Sum256(r.Image)
		if r.ID != "" && hex.EncodeToString(sum[:]) == r.SHA256 {
			p.rows[r.ID] = prevRow{index: it.Index() - 1, sha256: r.SHA256}
		}
	}
	return p, nil
}

// has reports whether the earlier shards hold id with this content.
func (p *previous) has(id, sha string) bool {
	if p == nil {
		return false
	}
	r, ok := p.rows[id]
	return ok && r.sha256 == sha
}

// image returns the bytes of id; they alias the mapped shard until close.
func (p *previous) image(id string) ([]byte, error) {
	r, err := p.ds.Splits[0].Row(p.rows[id].index)
	if err != nil {
		return nil, err
	}
	return r.Image, nil
}

func (p *previous) close() {
	if p != nil {
		p.ds.Close()
	}
}
