package main

import (
	"context"
	"sync"
	"testing"

	"github.com/curate-ml/curate/cmd/curate/demodata"
	"github.com/curate-ml/curate/ocr"
)

// TestDemoScenesText runs the default text detector over make demo's 240
// drawn scenes and checks that it flags exactly the captioned ones: the
// scenes without text are moons, hills, stripes and noise, which a rule
// tuned only on the real evaluation set can still mistake for text (a
// tiled-repeat rule from confidence 60 and 50 flagged four of them in
// wave 8, and no test saw it until make demo's count changed).
func TestDemoScenesText(t *testing.T) {
	images, err := demodata.Generate(240)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := ocr.NewPool(ocr.PoolOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	det, err := ocr.NewDetector(pool, ocr.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	verdicts := make([]ocr.Verdict, len(images))
	errs := make([]error, len(images))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				verdicts[i], errs[i] = det.DetectBytes(context.Background(), images[i].Data)
			}
		}()
	}
	for i := range images {
		next <- i
	}
	close(next)
	wg.Wait()
	captioned := 0
	for i, im := range images {
		if errs[i] != nil {
			t.Fatalf("%s: %v", im.Name, errs[i])
		}
		want := im.Kind == "text"
		if want {
			captioned++
		}
		if verdicts[i].HasText != want {
			t.Errorf("%s (%s): has text %v, want %v (pass %s, rule %s, words %v)", im.Name, im.Kind, verdicts[i].HasText, want, verdicts[i].Pass, verdicts[i].Rule, verdicts[i].Words)
		}
	}
	if captioned == 0 {
		t.Fatal("the demo drew no captioned scene")
	}
}
