package ocr

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
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

// Pool holds ready Tesseract engines. A Tesseract instance is not safe for
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
	e      *engine
	thresh thresholding
	invert int // tessedit_do_invert as last set: -1 unknown, 0 or 1
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
		e, err := newEngine(dir, opts.Language)
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("ocr: Tesseract engine %d: %w", i+1, err)
		}
		c := &Client{e: e, invert: -1}
		p.all = append(p.all, c)
		if _, err := c.recognize(probe, psmSparse, otsu, false); err != nil {
			p.Close()
			return nil, fmt.Errorf("ocr: start Tesseract with %s/%s.traineddata: %w", dir, opts.Language, err)
		}
		p.free <- c
	}
	return p, nil
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
			c.e.close()
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

// Tesseract page segmentation modes the passes use.
const (
	psmAuto   = 3  // fully automatic page segmentation, no OSD
	psmSparse = 11 // as much text as possible in no particular order
	psmLine   = 7  // the image is one line of text
)

// image is what an engine reads: grey (1 byte per pixel) or RGB (3).
type pixels interface {
	raw() (pix []uint8, w, h, bpp int)
}

func (g grayImage) raw() ([]uint8, int, int, int) { return g.pix, g.w, g.h, 1 }
func (c rgbImage) raw() ([]uint8, int, int, int)  { return c.pix, c.w, c.h, 3 }

// recognize runs Tesseract on img with the page segmentation mode psm and
// returns its words; invertLines is tessedit_do_invert (see
// Options.InvertLines). It pins the goroutine to its OS thread for the call
// so the single-thread OpenMP setting applies to the thread Tesseract runs on.
func (c *Client) recognize(img pixels, psm int, thresh thresholding, invertLines bool) ([]rawWord, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer singleThreaded()()
	if thresh != c.thresh {
		if err := c.e.set("thresholding_method", strconv.Itoa(int(thresh))); err != nil {
			return nil, err
		}
		c.thresh = thresh
	}
	if inv := map[bool]int{false: 0, true: 1}[invertLines]; inv != c.invert {
		if err := c.e.set("tessedit_do_invert", strconv.Itoa(inv)); err != nil {
			return nil, err
		}
		c.invert = inv
	}
	pix, w, h, bpp := img.raw()
	return c.e.words(pix, w, h, bpp, psm)
}
