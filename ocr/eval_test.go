package ocr

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// score is a confusion matrix over the evaluation set.
type score struct{ tp, fp, fn, tn int }

func (s score) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s score) recall() float64    { return ratio(s.tp, s.tp+s.fn) }
func (s score) f1() float64 {
	p, r := s.precision(), s.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
func (s score) String() string {
	return fmt.Sprintf("P=%.3f R=%.3f F1=%.3f (tp %d fp %d fn %d tn %d)", s.precision(), s.recall(), s.f1(), s.tp, s.fp, s.fn, s.tn)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (s *score) add(truth, pred bool) {
	switch {
	case truth && pred:
		s.tp++
	case truth:
		s.fn++
	case pred:
		s.fp++
	default:
		s.tn++
	}
}

// runDetector detects text in every sample with workers goroutines and
// returns the verdicts in sample order.
func runDetector(t testing.TB, det *Detector, samples []evalset.Sample, workers int) []Verdict {
	out := make([]Verdict, len(samples))
	errs := make([]error, len(samples))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = det.Detect(context.Background(), samples[i].Image)
			}
		}()
	}
	for i := range samples {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", samples[i].Name, err)
		}
	}
	return out
}
