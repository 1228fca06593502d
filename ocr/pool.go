package ocr

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"github.com/otiai10/gosseract/v2"
)

// PoolOptions configures a Pool.
type PoolOptions struct {
	// Size is the number of Tesseract engines, one per worker. Default:
	// runtime.NumCPU(). Each engine runs single-threaded (see singleThreaded),
	// so N engines keep N cores busy without OpenMP oversubscription.
	Size int
	// TessdataDir is the folder holding <Language>.traineddata. Default: the
	// first of $TESSDATA_PREFIX and the standard install folders that has it.
	TessdataDir string
	// Language is the Tesseract language. Default "eng".
	Language string
}

// Pool holds ready Tesseract engines. A gosseract client is not safe for
// concurrent use, so a worker takes one with Get, uses it alone, and gives it
// back with Put. The engines are created and initialised in NewPool so that a
// missing or broken installation fails at start, not on the first image.
type Pool struct {
	free    chan *Client
	all     []*Client
	dataDir string
	once    sync.Once
}

// Client is one Tesseract engine from a Pool.
type Client struct {
	tc     *gosseract.Client
	thresh thresholding
}

// thresholding is Tesseract's thresholding_method: how it binarises.
type thresholding int

const (
	otsu    thresholding = 0 // one global threshold (Tesseract's default)
	sauvola thresholding = 2 // adaptive, per neighbourhood: text on uneven, colourful photos
)

// NewPool checks that the language data exists, then creates and initialises
// Size engines. The error wraps ErrNoLanguageData when the data is missing.
func NewPool(opts PoolOptions) (*Pool, error) {
	if opts.Size <= 0 {
		opts.Size = runtime.NumCPU()
	}
	if opts.Language == "" {
		opts.Language = "eng"
	}
	dir, err := findTessdata(opts.TessdataDir, opts.Language)
	if err != nil {
		return nil, err
	}
	silenceLeptonica()
	p := &Pool{free: make(chan *Client, opts.Size), dataDir: dir}
	probe := grayImage{w: 16, h: 16, pix: make([]uint8, 256)}
	for i := range opts.Size {
		tc := gosseract.NewClient()
		c := &Client{tc: tc}
		p.all = append(p.all, c)
		if err := setup(c, dir, opts.Language); err != nil {
			p.Close()
			return nil, fmt.Errorf("ocr: Tesseract engine %d: %w", i+1, err)
		}
		// Initialise now: gosseract loads the model on first recognition.
		if _, err := c.recognize(probe.pgm(), gosseract.PSM_SPARSE_TEXT, otsu); err != nil {
			p.Close()
			return nil, fmt.Errorf("ocr: start Tesseract with %s/%s.traineddata: %w", dir, opts.Language, err)
		}
		p.free <- c
	}
	return p, nil
}

func setup(c *Client, dir, lang string) error {
	if err := c.tc.SetTessdataPrefix(dir); err != nil {
		return err
	}
	if err := c.tc.SetLanguage(lang); err != nil {
		return err
	}
	// Debug output to /dev/null: packages never print.
	if err := c.tc.DisableOutput(); err != nil {
		return err
	}
	return nil
}

// DataDir is the folder the language data was loaded from.
func (p *Pool) DataDir() string { return p.dataDir }

// Size is the number of engines.
func (p *Pool) Size() int { return len(p.all) }

// Get waits for a free engine or for ctx to end.
func (p *Pool) Get(ctx context.Context) (*Client, error) {
	select {
	case c, ok := <-p.free:
		if !ok {
			return nil, errors.New("ocr: pool is closed")
		}
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Put returns an engine taken with Get.
func (p *Pool) Put(c *Client) { p.free <- c }

// Close frees every engine. No engine may be in use.
func (p *Pool) Close() error {
	p.once.Do(func() {
		for _, c := range p.all {
			c.tc.Close()
		}
		p.all = nil
	})
	return nil
}

// rawWord is one word as Tesseract returned it, in the coordinates of the
// image it was given.
type rawWord struct {
	text           string
	conf           float64
	x0, y0, x1, y1 int
}

// recognize runs Tesseract on img with the page segmentation mode psm and
// returns its words. It pins the goroutine to its OS thread for the call so
// the single-thread OpenMP setting applies to the thread Tesseract runs on.
func (c *Client) recognize(pnm []byte, psm gosseract.PageSegMode, thresh thresholding) ([]rawWord, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	singleThreaded()
	if thresh != c.thresh {
		if err := c.tc.SetVariable("thresholding_method", strconv.Itoa(int(thresh))); err != nil {
			return nil, err
		}
		c.thresh = thresh
	}
	if err := c.tc.SetImageFromBytes(pnm); err != nil {
		return nil, err
	}
	if err := c.tc.SetPageSegMode(psm); err != nil {
		return nil, err
	}
	boxes, err := c.tc.GetBoundingBoxes(gosseract.RIL_WORD)
	if err != nil {
		return nil, err
	}
	out := make([]rawWord, 0, len(boxes))
	for _, b := range boxes {
		out = append(out, rawWord{text: b.Word, conf: b.Confidence,
			x0: b.Box.Min.X, y0: b.Box.Min.Y, x1: b.Box.Max.X, y1: b.Box.Max.Y})
	}
	return out, nil
}
