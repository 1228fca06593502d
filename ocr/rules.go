package ocr

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reasons a recognised word does not count, as they appear in verdicts.
const (
	RejectShort      = "short"          // fewer than MinChars letters or digits
	RejectSymbols    = "symbols"        // under 3/4 of the word is letters or digits
	RejectConfidence = "low-confidence" // below MinConfidence
	RejectNoVowel    = "no-vowel"       // three or more letters and no vowel: "WMHN"
	RejectConsonants = "consonants"     // six consonants in a row: no English word has them
	RejectRepeats    = "repeats"        // one letter three times in a row: "lll", "EEE"
	RejectMixedCase  = "mixed-case"     // case flips inside the word: "aBcD"
	RejectMixedAlnum = "mixed-alnum"    // letters and digits interleaved: "a1b2"
	RejectStrokes    = "strokes"        // mostly vertical-stroke glyphs (l I i 1 | t f j): stripes, grass, fences
	RejectTiny       = "tiny"           // box lower than MinWordHeight
	RejectHuge       = "huge"           // box taller than 60% of the image
	RejectShape      = "shape"          // box far too narrow or wide for its letter count
)

// judge collects the words of all passes over one image and applies the rules.
type judge struct {
	o        Options
	w, h     int
	accepted []Word
	rejected []Word
	// seen[i] is the set of passes that read accepted[i] (same letters, same
	// place): a word two different preparations of the image read alike is
	// no texture accident.
	seen []map[string]bool
	// hint is set once any pass read something word-like: an accepted word,
	// or one that failed only on confidence with at least HintConfidence.
	hint bool
	// support, when set, counts the glyphs standing under a box of the
	// original image (glyphSupport); supports keeps its answers.
	support  func(box [4]int) int
	supports map[[4]int]int
	// supportAlong, when set, counts them along a line of the given slope
	// (frame.supportAlong); slopes holds the slope of the candidate line
	// each box was read on (addLine), where it was read turned level.
	supportAlong func(box [4]int, slope float64) int
	slopes       map[[4]int]float64
	// large holds the boxes of words read on the regions-large canvas
	// (large.go), which may be as high as the picture (boxRule).
	large map[[4]int]bool
	// fit, when set, describes the longest chain of glyphs under a box of
	// the original image (frame.supportFit); fits keeps its answers.
	fit  func(box [4]int) chainFit
	fits map[[4]int]chainFit
	// echoes are the readings that may take part in an echo (words.go),
	// echo the first pair found.
	echoes, echo []Word
}

func (j *judge) init(o Options, w, h int) { *j = judge{o: o, w: w, h: h} }

// add maps a raw word back to original coordinates, applies the rules and
// keeps it (an accepted word overlapping an earlier one is merged).
func (j *judge) add(r rawWord, pass string, scale float64) {
	text := strings.TrimSpace(r.text)
	if text == "" {
		return
	}
	box := wordBox(r, scale)
	w := Word{Text: text, Conf: float64(int(r.conf*10+0.5)) / 10, Box: box, Pass: pass}
	w.Reject = j.rule(text, r.conf, box)
	if w.Reject == "" || w.Reject == RejectConfidence && r.conf >= j.o.HintConfidence {
		j.hint = true
	}
	j.addEcho(w)
	if w.Reject != "" {
		if alnumCount(text) > 0 {
			j.rejected = append(j.rejected, w)
		}
		return
	}
	for i, a := range j.accepted {
		if overlap(a.Box, w.Box) > 0.5 {
			if sameLetters(a.Text, w.Text) {
				j.seen[i][pass] = true
			}
			if w.Conf > a.Conf {
				j.accepted[i] = w
			}
			return
		}
	}
	j.accepted = append(j.accepted, w)
	j.seen = append(j.seen, map[string]bool{pass: true})
}

// addLine adds the words read on one candidate line (see add); slope is
// the line's (dy/dx) when it was read turned level, else 0, and the glyph
// support of its words is measured along it (judge.glyphs).
func (j *judge) addLine(ws []rawWord, pass string, scale, slope float64) {
	for _, r := range ws {
		if largePass(pass) {
			if j.large == nil {
				j.large = map[[4]int]bool{}
			}
			j.large[wordBox(r, scale)] = true
		}
		if slope != 0 {
			if j.slopes == nil {
				j.slopes = map[[4]int]float64{}
			}
			j.slopes[wordBox(r, scale)] = slope
		}
		j.add(r, pass, scale)
	}
}

// wordBox maps a raw word's box to the original image (scale: the pass's
// image over the original).
func wordBox(r rawWord, scale float64) [4]int {
	return [4]int{int(float64(r.x0) / scale), int(float64(r.y0) / scale),
		int(float64(r.x1)/scale + 0.999), int(float64(r.y1)/scale + 0.999)}
}

// sameLetters compares the letters and digits of two words, ignoring case.
func sameLetters(a, b string) bool {
	f := func(s string) string {
		return strings.ToLower(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return -1
		}, s))
	}
	return f(a) == f(b)
}

// hasText applies the image-level rules and marks the words that decided
// (Word.Decisive): one strong word (StrongConfidence and StrongChars, or
// SureConfidence and MinChars), one word read alike by two passes, or
// MinWords words on one line. Texture fragments that pass the word rules are
// scattered and differ from pass to pass; words of real text sit side by
// side at the same height and size, and read the same however the image is
// prepared.
func (j *judge) hasText() string {
	for i, w := range j.accepted {
		n := wordChars(w.Text)
		if turnedSpecs[w.Pass].tiled {
			continue // see tiledRule
		}
		strong := (w.Conf >= j.o.StrongConfidence && n >= j.o.StrongChars && (n > j.o.StrongChars || w.Conf >= shortStrongConfidence)) || w.Conf >= j.o.SureConfidence
		if strong && j.standsAlone(w) || j.weakAlone(w) || j.sureShort(w) {
			j.accepted[i].Decisive = true
			return RuleStrong
		}
	}
	if r := j.unsureLongRule(); r != "" {
		return r
	}
	for i := range j.accepted {
		if j.agrees(i) {
			j.accepted[i].Decisive = true
			return RuleAgree
		}
	}
	if r := j.echoRule(); r != "" {
		return r
	}
	if r := j.acronymRule(); r != "" {
		return r
	}
	if r := j.tiledRule(); r != "" {
		return r
	}
	if r := j.tiledEcho(); r != "" {
		return r
	}
	for i, a := range j.accepted {
		if turnedSpecs[a.Pass].tiled {
			continue // upright boxes of turned words make no lines
		}
		line := []int{i}
		for k, b := range j.accepted {
			if k != i && !turnedSpecs[b.Pass].tiled && sameLine(a.Box, b.Box) {
				line = append(line, k)
			}
		}
		best := 0.0
		for _, k := range line {
			best = max(best, j.accepted[k].Conf)
		}
		if len(line) >= j.o.MinWords && best >= j.o.LineConfidence {
			for _, k := range line {
				j.accepted[k].Decisive = true
			}
			return RuleLine
		}
	}
	return ""
}

// soloConfidence and minSupport: a word under soloConfidence decides
// alone (strong-word) only when at least minSupport glyph-like components
// stand chained under its box (glyphSupport), as many as the region
// finder wants for a line. Chosen on the tuning part (replayed from cached
// passes with each word's support, 436 images) and the demo's 240 scenes:
// at 85 with 2 or 3 glyphs, and at 90 with 3, the tuning part loses no
// image (full size F1 0.949, thumbnails 0.936, P 1.000); at 95 with 3 it
// loses a headline; the demo's three text-free scenes that lone texture
// words dropped (support 0) are kept.
const (
	soloConfidence = 85
	minSupport     = 3
)

// standsAlone reports whether a strong word may decide alone: sure enough
// (soloConfidence), or standing on glyphs. The lone words Tesseract reads
// in texture at 65-75 ("Fars" on drawn window panes, "Bast" on bokeh,
// "ware" on a grid of lit windows) stand on solid blocks, discs and
// speckle, none of which chain into a line of glyphs; words of real text,
// even where letters join, stand on two or more.
func (j *judge) standsAlone(w Word) bool {
	if w.Conf >= soloConfidence || j.support == nil {
		return true
	}
	return j.glyphs(w.Box) >= minSupport
}

// glyphs is support's answer for box, asked once; for a box read on a
// turned line the more of support's and supportAlong's (measured along
// the line, the turned words of tiled watermarks stand on their letters;
// the few that stood on glyphs upright keep them: on the three parts no
// photo without text has a strong word on a turned line standing on
// glyphs either way).
func (j *judge) glyphs(box [4]int) int {
	n, ok := j.supports[box]
	if !ok {
		n = j.support(box)
		if sl, turned := j.slopes[box]; turned && j.supportAlong != nil {
			n = max(n, j.supportAlong(box, sl))
		}
		if j.supports == nil {
			j.supports = map[[4]int]int{}
		}
		j.supports[box] = n
	}
	return n
}

// sameLine reports whether two word boxes could be neighbours on a line:
// heights within a factor 1.6, vertical centres within half a height, side
// by side (overlapping by under a third of the narrower box: two readings
// stacked on the same spot, as a grid of windows gives, are no line) and a
// horizontal gap under three heights.
func sameLine(a, b [4]int) bool {
	ha, hb := a[3]-a[1], b[3]-b[1]
	hmax, hmin := max(ha, hb), max(1, min(ha, hb))
	if hmax*10 > hmin*16 {
		return false
	}
	if ov := min(a[2], b[2]) - max(a[0], b[0]); ov*3 > min(a[2]-a[0], b[2]-b[0]) {
		return false
	}
	ca, cb := a[1]+a[3], b[1]+b[3] // twice the centres
	if d := ca - cb; d > hmax || d < -hmax {
		return false
	}
	gap := max(a[0], b[0]) - min(a[2], b[2])
	return gap < 3*hmax
}

// words returns the accepted words, then the rejected ones that decided
// (an echo's unsure reading), then the most confident other rejected ones.
func (j *judge) words() []Word {
	out := append([]Word(nil), j.accepted...)
	rej := append([]Word(nil), j.rejected...)
	sort.SliceStable(rej, func(a, b int) bool {
		if rej[a].Decisive != rej[b].Decisive {
			return rej[a].Decisive
		}
		return rej[a].Conf > rej[b].Conf
	})
	for _, w := range rej {
		if len(out) >= MaxVerdictWords {
			break
		}
		out = append(out, w)
	}
	if len(out) > MaxVerdictWords {
		out = out[:MaxVerdictWords]
	}
	return out
}

// rule returns why the word does not count, or "" when it does.
func (j *judge) rule(text string, conf float64, box [4]int) string {
	core := trimPunct(text)
	spell := siteName(core)
	n := alnumCount(core)
	price := priceChars(text)
	if price > 0 {
		n = price // "$5.99", "50%": see priceChars
	}
	if n < j.o.MinChars {
		return RejectShort
	}
	if 4*n < 3*utf8.RuneCountInString(core) && price == 0 {
		return RejectSymbols
	}
	tag := handle(text)
	web := webAddress(core) // see webConfidence and webAddressConfidence
	if conf < j.o.MinConfidence && !(tag && conf >= webConfidence) && !(web && conf >= webAddressConfidence) {
		return RejectConfidence
	}
	if r := spelling(spell); r != "" && !(tag && (r == RejectNoVowel || r == RejectConsonants)) && !webDigits(web, r) {
		return r // a handle is a name, not a word: "@mkbhd"
	}
	return j.boxRule(box, n)
}

// boxRule returns why a word of n letters or digits in box does not count
// (its box is implausible), or "".
func (j *judge) boxRule(box [4]int, n int) string {
	bw, bh := box[2]-box[0], box[3]-box[1]
	switch {
	case bh < j.o.MinWordHeight:
		return RejectTiny
	case bh*10 > j.h*6 && !j.large[box]:
		return RejectHuge
	case bw*10 < bh*n*2 || bw > bh*n*2:
		// A glyph is 0.2..2 times as wide as the line is high.
		return RejectShape
	}
	return ""
}

// siteName strips what makes a web address from a word: a leading "www."
// and the domain suffix ("www.shutterstock.com" -> "shutterstock"), so
// that watermarks pass the spelling rules ("www" has three equal letters).
// Other words come back unchanged.
func siteName(core string) string {
	l := strings.ToLower(core)
	s := core
	if strings.HasPrefix(l, "www.") {
		s, l = s[4:], l[4:]
	}
	for _, tld := range tlds {
		if strings.HasSuffix(l, tld) && len(l) > len(tld) {
			s = s[:len(s)-len(tld)]
			break
		}
	}
	if s == "" {
		return core
	}
	return s
}

// tlds are the domain suffixes siteName strips.
var tlds = []string{".com", ".net", ".org", ".co.uk", ".co", ".io", ".de", ".fr", ".ru", ".info"}

// spelling checks that a word could be written English (or a number): the
// dictionary-like rules that texture fragments fail.
func spelling(core string) string {
	letters, vowels, cons, maxCons, strokes := 0, 0, 0, 0, 0
	var prev rune
	run, flips, classSwitch := 1, 0, 0
	prevClass := 0 // 1 letter, 2 digit
	for i, r := range core {
		class := 0
		switch {
		case unicode.IsLetter(r):
			class = 1
			letters++
			if strings.ContainsRune("aeiouyAEIOUY", r) {
				vowels++
				cons = 0
			} else {
				cons++
				maxCons = max(maxCons, cons)
			}
			if i > 0 && unicode.IsLower(prev) && unicode.IsUpper(r) {
				flips++
			}
		case unicode.IsDigit(r):
			class = 2
			cons = 0
		}
		if strings.ContainsRune("lIi1|!tfj", r) {
			strokes++
		}
		if class != 0 && prevClass != 0 && class != prevClass {
			classSwitch++
		}
		if class != 0 {
			prevClass = class
		}
		if r == prev && class == 1 {
			run++
			if run >= 3 {
				return RejectRepeats
			}
		} else {
			run = 1
		}
		prev = r
	}
	n := utf8.RuneCountInString(core)
	switch {
	case letters >= 3 && vowels == 0:
		return RejectNoVowel
	case maxCons >= 6:
		return RejectConsonants
	case flips > 1:
		return RejectMixedCase
	case classSwitch > 1:
		return RejectMixedAlnum
	case strokes*10 >= n*6:
		return RejectStrokes
	}
	return ""
}

// trimPunct strips what is not a letter or digit from both ends of a word.
func trimPunct(text string) string {
	return strings.TrimFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func alnumCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// overlap is the intersection over the smaller box's area.
func overlap(a, b [4]int) float64 {
	ix := min(a[2], b[2]) - max(a[0], b[0])
	iy := min(a[3], b[3]) - max(a[1], b[1])
	if ix <= 0 || iy <= 0 {
		return 0
	}
	area := func(r [4]int) int { return max(1, (r[2]-r[0])*(r[3]-r[1])) }
	return float64(ix*iy) / float64(min(area(a), area(b)))
}
