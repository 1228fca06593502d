package augment

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Op names one augmentation operation.
type Op uint8

// The operations. Which of them a convention draws from is Convention.Ops.
const (
	Identity Op = iota
	AutoContrast
	Equalize
	Invert
	Rotate
	Posterize
	Solarize
	Color
	Contrast
	Brightness
	Sharpness
	ShearX
	ShearY
	TranslateX
	TranslateY
	Cutout
	SolarizeAdd
	numOps
)

var opNames = [numOps]string{
	"Identity", "AutoContrast", "Equalize", "Invert", "Rotate", "Posterize", "Solarize",
	"Color", "Contrast", "Brightness", "Sharpness", "ShearX", "ShearY", "TranslateX",
	"TranslateY", "Cutout", "SolarizeAdd",
}

func (o Op) String() string {
	if o < numOps {
		return opNames[o]
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// Signed reports whether the op's magnitude is flipped with probability 1/2
// in convention c.
func (o Op) Signed(c Convention) bool {
	switch o {
	case Rotate, ShearX, ShearY, TranslateX, TranslateY:
		return true
	case Color, Contrast, Brightness, Sharpness:
		return c == Torchvision
	}
	return false
}

// ParseOp accepts an op name in any case, with or without '-' or '_'
// ("solarize-add", "SolarizeAdd", "translate_x").
func ParseOp(name string) (Op, error) {
	key := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
	for i, n := range opNames {
		if strings.ToLower(n) == key {
			return Op(i), nil
		}
	}
	return 0, fmt.Errorf("augment: unknown op %q (want one of %s)", name, strings.Join(opNames[:], ", "))
}

// Convention selects whose definition of RandAugment is used.
type Convention uint8

const (
	// TF is tensorflow/models' RandAugment (level M of 10), the default.
	TF Convention = iota
	// Torchvision is torchvision.transforms.RandAugment on PIL images (bin M of 31).
	Torchvision
)

func (c Convention) String() string {
	switch c {
	case TF:
		return "tf"
	case Torchvision:
		return "torchvision"
	}
	return "Convention(" + strconv.Itoa(int(c)) + ")"
}

// ParseConvention accepts "tf" (also "tensorflow") and "torchvision" (also "tv").
func ParseConvention(s string) (Convention, error) {
	switch strings.ToLower(s) {
	case "", "tf", "tensorflow":
		return TF, nil
	case "torchvision", "tv", "pytorch", "torch":
		return Torchvision, nil
	}
	return 0, fmt.Errorf("augment: unknown convention %q (want tf or torchvision)", s)
}

// tfOps is tensorflow/models' available_ops in its order; Identity is the
// switch_case default branch, drawn as index len(available_ops).
var tfOps = []Op{AutoContrast, Equalize, Invert, Rotate, Posterize, Solarize, Color, Contrast,
	Brightness, Sharpness, ShearX, ShearY, TranslateX, TranslateY, Cutout, SolarizeAdd, Identity}

// tvOps is torchvision's _augmentation_space in its order.
var tvOps = []Op{Identity, ShearX, ShearY, TranslateX, TranslateY, Rotate, Brightness, Color,
	Contrast, Sharpness, Posterize, Solarize, AutoContrast, Equalize}

// Ops returns the ops RandAugment draws from, uniformly, in convention c.
func (c Convention) Ops() []Op {
	if c == Torchvision {
		return append([]Op(nil), tvOps...)
	}
	return append([]Op(nil), tfOps...)
}

func (c Convention) ops() []Op {
	if c == Torchvision {
		return tvOps
	}
	return tfOps
}

// MaxM is the largest magnitude the convention defines: level 10 for TF
// (_MAX_LEVEL), bin 30 for torchvision (num_magnitude_bins 31).
func (c Convention) MaxM() float64 {
	if c == Torchvision {
		return 30
	}
	return 10
}

// Has reports whether op belongs to convention c.
func (c Convention) Has(op Op) bool {
	for _, o := range c.ops() {
		if o == op {
			return true
		}
	}
	return false
}

// Params is one op with its argument resolved, as applied to one image.
type Params struct {
	Op         Op
	Convention Convention
	M          float64 // the magnitude it was derived from
	Negative   bool    // the signed magnitude was flipped
	// Arg is the op's argument in its own unit, sign included: degrees
	// (Rotate), shear factor (ShearX/Y), pixels (TranslateX/Y), enhance
	// factor (Color, Contrast, Brightness, Sharpness), bits (Posterize),
	// threshold (Solarize), addition (SolarizeAdd) or half size (Cutout).
	Arg float64
	// CX, CY are Cutout's centre.
	CX, CY int
}

// String is the short label written under preview tiles, e.g. "Rotate -21".
func (p Params) String() string {
	switch p.Op {
	case Identity, AutoContrast, Equalize, Invert:
		return p.Op.String()
	case Cutout:
		return fmt.Sprintf("Cutout %dpx", 2*int(p.Arg))
	}
	return p.Op.String() + " " + strconv.FormatFloat(p.Arg, 'g', 4, 64)
}

// Resolve computes op's argument at magnitude m in convention c for a w x h
// image, flipping the sign when negative is set and the op is signed. Cutout's
// centre is left at (0, 0); set CX and CY before applying.
func (c Convention) Resolve(op Op, m float64, negative bool, w, h int) (Params, error) {
	if op >= numOps || !c.Has(op) {
		return Params{}, fmt.Errorf("augment: op %s is not part of the %s convention", op, c)
	}
	if !(m >= 0 && m <= c.MaxM()) {
		return Params{}, fmt.Errorf("augment: magnitude %v out of range [0, %v] for the %s convention", m, c.MaxM(), c)
	}
	if c == Torchvision && m != math.Trunc(m) {
		return Params{}, fmt.Errorf("augment: torchvision magnitude must be a whole bin 0..30, got %v", m)
	}
	p := Params{Op: op, Convention: c, M: m, Negative: negative && op.Signed(c)}
	if c == TF {
		p.Arg = tfArg(op, m)
	} else {
		p.Arg = tvArg(op, int(m), w, h)
	}
	if p.Negative {
		p.Arg = -p.Arg
	}
	if c == Torchvision {
		switch op {
		case TranslateX, TranslateY:
			p.Arg = math.Trunc(p.Arg) // translate=[int(magnitude), 0]
		case Color, Contrast, Brightness, Sharpness:
			p.Arg = 1.0 + p.Arg // F.adjust_*(img, 1.0 + magnitude)
		}
	}
	return p, nil
}

// tfArg is level_to_arg of tensorflow/models augment.py, before sign flips.
func tfArg(op Op, level float64) float64 {
	const maxLevel = 10.0
	mult := func(k float64) float64 { return float64(int((level / maxLevel) * k)) }
	switch op {
	case Rotate:
		return (level / maxLevel) * 30
	case ShearX, ShearY:
		return (level / maxLevel) * 0.3
	case TranslateX, TranslateY:
		return (level / maxLevel) * 100 // translate_const
	case Color, Contrast, Brightness, Sharpness:
		return (level/maxLevel)*1.8 + 0.1
	case Posterize:
		return mult(4)
	case Solarize:
		return mult(256)
	case SolarizeAdd:
		return mult(110)
	case Cutout:
		return mult(40) // cutout_const; the square is 2*pad wide
	}
	return 0
}

// linspace32 is element i of torch.linspace(start, end, steps) in float32,
// computed the way ATen's CPU kernel does.
func linspace32(start, end float64, steps, i int) float32 {
	s, e := float32(start), float32(end)
	step := (e - s) / float32(steps-1)
	if i < steps/2 {
		return s + float32(step*float32(i))
	}
	return e - float32(step*float32(steps-i-1))
}

// tvArg is torchvision's _augmentation_space magnitude at bin m (31 bins), as
// _apply_op receives it (before the sign flip), for a w x h image.
func tvArg(op Op, m, w, h int) float64 {
	const bins = 31
	switch op {
	case ShearX, ShearY:
		return float64(linspace32(0, 0.3, bins, m))
	case TranslateX:
		return float64(linspace32(0, 150.0/331.0*float64(w), bins, m))
	case TranslateY:
		return float64(linspace32(0, 150.0/331.0*float64(h), bins, m))
	case Rotate:
		return float64(linspace32(0, 30, bins, m))
	case Brightness, Color, Contrast, Sharpness:
		return float64(linspace32(0, 0.9, bins, m))
	case Posterize:
		// 8 - (arange(31) / ((31-1)/4)).round().int(); torch.round is half-even.
		q := float32(m) / float32(7.5)
		return float64(8 - int(math.RoundToEven(float64(q))))
	case Solarize:
		return float64(linspace32(255, 0, bins, m))
	}
	return 0
}
