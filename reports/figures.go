package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is one drawn figure, as PNG (embedded in the page) and SVG.
type Figure struct {
	Name    string `json:"name"` // file stem beside the HTML
	Title   string `json:"title"`
	Section string `json:"section"`
	PNG     []byte `json:"-"`
	SVG     []byte `json:"-"`
}

// Picture is an image shown as it is (a contact sheet).
type Picture struct {
	Name string
	MIME string
	Data []byte
}

// Figure sizes.
const (
	figW    = 6 * vg.Inch
	figH    = 4 * vg.Inch
	legendW = 2.6 * vg.Inch
)

var (
	colKept    = color.RGBA{R: 0x31, G: 0x6b, B: 0xb4, A: 0xff}
	colRemoved = color.RGBA{R: 0xd0, G: 0x4a, B: 0x3a, A: 0xff}
	colGrey    = color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
)

// Section names, also the HTML ids.
const (
	SectionFunnel     = "funnel"
	SectionTraining   = "training"
	SectionEvaluation = "evaluation"
	SectionPaper      = "paper"
	SectionExamples   = "examples"
)

func (r *Report) drawFigures() error {
	add := func(section, name, title string, p *plot.Plot, h, legendW vg.Length) error {
		f, err := render(p, figW+legendW, h, legendW)
		if err != nil {
			return fmt.Errorf("figure %s: %w", name, err)
		}
		f.Name, f.Title, f.Section = name, title, section
		r.figures = append(r.figures, f)
		return nil
	}
	if len(r.Funnel.Steps) > 0 {
		p, h, err := funnelPlot(r.Funnel.Steps)
		if err != nil {
			return err
		}
		if err := add(SectionFunnel, "funnel", "Data funnel: images left (blue) and left out (red) at each step", p, h, 0); err != nil {
			return err
		}
	}
	if len(r.Funnel.Splits) > 0 && len(r.Funnel.ClassNames) == 2 {
		p, err := splitsPlot(r.Funnel.Splits, r.Funnel.ClassNames)
		if err != nil {
			return err
		}
		if err := add(SectionFunnel, "splits", "Images per split and class", p, 3*vg.Inch, 0); err != nil {
			return err
		}
	}
	if r.Training.hasEpochs() {
		for _, m := range []struct{ name, title, y string }{
			{"loss", "Loss per epoch (solid: train, dashed: validation)", "loss"},
			{"accuracy", "Accuracy per epoch (solid: train, dashed: validation)", "accuracy"},
			{"images-per-s", "Training speed per epoch", "images/s"},
		} {
			p, err := trainingPlot(r.Training.Runs, m.name, m.y)
			if err != nil {
				return err
			}
			if err := add(SectionTraining, m.name, m.title, p, figH, legendW); err != nil {
				return err
			}
		}
	}
	for i, set := range r.Evaluation.Sets {
		p, n, err := rocPlot(set, r.Evaluation.Entries)
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		if err := add(SectionEvaluation, fmt.Sprintf("roc-%d", i+1), "ROC of p(sadness): "+set.Name, p, 5*vg.Inch, legendW); err != nil {
			return err
		}
	}
	return nil
}

// render draws p as PNG and SVG. With legendW > 0 the legend goes in a
// column of that width right of the plot, where it hides no data.
func render(p *plot.Plot, w, h, legendW vg.Length) (*Figure, error) {
	leg := p.Legend
	if legendW > 0 {
		p.Legend = plot.NewLegend()
	}
	defer func() { p.Legend = leg }()
	draw1 := func(c vg.CanvasSizer) {
		dc := draw.New(c)
		if legendW <= 0 {
			p.Draw(dc)
			return
		}
		p.Draw(draw.Crop(dc, 0, -legendW, 0, 0))
		l := leg
		l.Left, l.Top = true, true
		l.XOffs, l.YOffs = vg.Points(6), -vg.Points(8)
		l.Draw(draw.Crop(dc, w-legendW, 0, 0, 0))
	}
	f := &Figure{}
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110))
	draw1(img)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, err
	}
	f.PNG = buf.Bytes()
	svg := vgsvg.New(w, h)
	draw1(svg)
	buf = bytes.Buffer{}
	if _, err := svg.WriteTo(&buf); err != nil {
		return nil, err
	}
	f.SVG = buf.Bytes()
	return f, nil
}

// funnelPlot draws the funnel steps as horizontal bars, the first step on top.
func funnelPlot(steps []FunnelStep) (*plot.Plot, vg.Length, error) {
	n := len(steps)
	kept := make(plotter.Values, n)
	removed := make(plotter.Values, n)
	names := make([]string, n)
	var labels plotter.XYLabels
	for i, s := range steps {
		y := n - 1 - i
		names[y] = s.Stage + ": " + s.Name
		if s.Removed {
			removed[y] = float64(s.Count)
		} else {
			kept[y] = float64(s.Count)
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: float64(s.Count), Y: float64(y)})
		labels.Labels = append(labels.Labels, fmt.Sprintf(" %d", s.Count))
	}
	p := plot.New()
	p.X.Label.Text = "images (URLs for the fetch steps)"
	p.X.Min = 0
	for _, b := range []struct {
		v plotter.Values
		c color.Color
	}{{kept, colKept}, {removed, colRemoved}} {
		bc, err := plotter.NewBarChart(b.v, vg.Points(11))
		if err != nil {
			return nil, 0, err
		}
		bc.Horizontal = true
		bc.Color = b.c
		bc.LineStyle.Width = 0
		p.Add(bc)
	}
	lab, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, 0, err
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].YAlign = draw.YCenter
	}
	p.Add(lab)
	p.NominalY(names...)
	max := 0.0
	for i := range kept {
		max = maxf(max, kept[i], removed[i])
	}
	p.X.Max = max * 1.15
	return p, vg.Length(n)*vg.Points(16) + vg.Inch, nil
}

// splitsPlot draws train/validation/test as grouped bars, one per class.
func splitsPlot(splits []SplitClasses, classes []string) (*plot.Plot, error) {
	p := plot.New()
	p.Y.Label.Text = "images"
	p.Y.Min = 0
	w := vg.Points(22)
	var names []string
	for _, s := range splits {
		names = append(names, s.Name)
	}
	for c, col := range []color.Color{colKept, colRemoved} {
		v := make(plotter.Values, len(splits))
		for i, s := range splits {
			v[i] = float64(s.PerClass[c])
		}
		bc, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil, err
		}
		bc.Color = col
		bc.LineStyle.Width = 0
		bc.Offset = vg.Length(2*c-1) * w / 2
		p.Add(bc)
		p.Legend.Add(classes[c], bc)
	}
	max := 0.0
	for _, s := range splits {
		max = maxf(max, float64(s.PerClass[0]), float64(s.PerClass[1]))
	}
	p.Y.Max = max * 1.2
	p.Legend.Top = true
	p.NominalX(names...)
	return p, nil
}

func maxf(v ...float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		if x > m {
			m = x
		}
	}
	return m
}

// finite drops the points gonum/plot cannot draw (an undefined metric).
func finite(xys plotter.XYs) plotter.XYs {
	var out plotter.XYs
	for _, p := range xys {
		if !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0) {
			out = append(out, p)
		}
	}
	return out
}

func (t *TrainingSection) hasEpochs() bool {
	for _, r := range t.Runs {
		if len(r.Epochs) > 0 {
			return true
		}
	}
	return false
}

// trainingPlot draws one metric per epoch, one colour per run; train solid,
// validation dashed.
func trainingPlot(runs []TrainingRun, metric, ylabel string) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	for i, r := range runs {
		if len(r.Epochs) == 0 {
			continue
		}
		var train, val plotter.XYs
		for _, e := range r.Epochs {
			x := float64(e.Epoch)
			switch metric {
			case "loss":
				train = append(train, plotter.XY{X: x, Y: float64(e.TrainLoss)})
				if e.ValLoss != nil {
					val = append(val, plotter.XY{X: x, Y: float64(*e.ValLoss)})
				}
			case "accuracy":
				train = append(train, plotter.XY{X: x, Y: float64(e.TrainAccuracy)})
				if e.ValAccuracy != nil {
					val = append(val, plotter.XY{X: x, Y: float64(*e.ValAccuracy)})
				}
			default:
				train = append(train, plotter.XY{X: x, Y: e.ImagesPerS})
			}
		}
		c := plotutil.Color(i)
		for j, xys := range []plotter.XYs{finite(train), finite(val)} {
			if len(xys) == 0 {
				continue
			}
			l, pts, err := plotter.NewLinePoints(xys)
			if err != nil {
				return nil, fmt.Errorf("run %s: %w", r.Name, err)
			}
			l.Color, pts.Color = c, c
			pts.Shape = draw.CircleGlyph{}
			pts.Radius = vg.Points(2)
			name := r.label()
			if metric != "images-per-s" {
				name += [2]string{" train", " val"}[j]
			}
			if j == 1 {
				l.Dashes = plotutil.Dashes(1)
			}
			p.Add(l, pts)
			p.Legend.Add(name, l)
		}
	}
	return p, nil
}

// rocPlot draws the ROC curves of one eval set, one line per entry, AUC in
// the legend (the paper's Figure 7 layout).
func rocPlot(set EvalSet, entries []*EvalEntry) (*plot.Plot, int, error) {
	p := plot.New()
	p.X.Label.Text = "false positive rate"
	p.Y.Label.Text = "true positive rate (sadness)"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Legend.Left, p.Legend.Top = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), vg.Points(8)
	chance, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, 0, err
	}
	chance.Color = colGrey
	chance.Dashes = plotutil.Dashes(2)
	p.Add(chance)
	n := 0
	for k, i := range set.Entries {
		e := entries[i]
		if len(e.Eval.ROC) == 0 {
			continue
		}
		xys := make(plotter.XYs, len(e.Eval.ROC))
		for j, pt := range e.Eval.ROC {
			xys[j] = plotter.XY{X: pt.FPR, Y: pt.TPR}
		}
		if xys = finite(xys); len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, 0, fmt.Errorf("ROC of %s: %w", e.Path, err)
		}
		l.Color = plotutil.Color(k)
		l.Width = vg.Points(1.5)
		p.Add(l)
		name := e.Name
		if e.Gram != nil {
			name += fmt.Sprintf(" (k=%d)", *e.Gram)
		}
		p.Legend.Add(fmt.Sprintf("%s  AUC %s", name, num("%.3f", e.Eval.ROCAUC)), l)
		n++
	}
	p.Legend.Add("chance", chance)
	return p, n, nil
}
