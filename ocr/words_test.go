package ocr

import (
	"context"
	"image"
	"strings"
	"testing"
)

func TestPriceChars(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"$19.99", 5},
		{"$5.99", 4},
		{"£5", 2},
		{"4,50€", 4},
		{"50%", 3},
		{"(50%)", 3},
		{"19.99", 5},
		{"$5.99.", 4},
		{"2024", 0},   // a plain number counts by its digits
		{"44", 0},     // too
		{"SALE", 0},   // a word
		{"5.9", 0},    // not two decimals
		{"12345%", 0}, // too long for a price
		{"a1.99", 0},
	} {
		if got := priceChars(tc.text); got != tc.want {
			t.Errorf("priceChars(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

// TestPriceRules: prices and shares as Tesseract returns them from tags
// ("$5.99" at 72: the "$" once trimmed left "5.99", a quarter symbols;
// "50%" left "50", too short) count as words, and "$5.99" decides alone
// like a four-letter word (from shortStrongConfidence).
func TestPriceRules(t *testing.T) {
	o, _ := Options{}.withDefaults()
	for _, tc := range []struct {
		text   string
		conf   float64
		box    [4]int
		reject string
		strong bool
	}{
		{"$5.99", 80, [4]int{40, 60, 120, 84}, "", true},
		{"$5.99", 72, [4]int{40, 60, 120, 84}, "", false}, // four: shortStrongConfidence
		{"$19.99", 70, [4]int{40, 60, 140, 84}, "", true},
		{"50%", 80, [4]int{40, 60, 90, 84}, "", false},
		{"50%", 96, [4]int{40, 60, 90, 84}, "", true},
		{"5.99", 80, [4]int{40, 60, 100, 84}, "", true},
		{"50", 96, [4]int{40, 60, 70, 84}, RejectShort, false},
		{"1.1", 96, [4]int{40, 60, 70, 84}, RejectShort, false},
		{"1.11", 96, [4]int{40, 60, 80, 84}, RejectStrokes, false},
	} {
		var j judge
		j.init(o, 400, 300)
		j.add(rawWord{tc.text, tc.conf, tc.box[0], tc.box[1], tc.box[2], tc.box[3]}, PassRegions, 1)
		got := ""
		if len(j.rejected) > 0 {
			got = j.rejected[0].Reject
		}
		if got != tc.reject {
			t.Errorf("%q@%.0f: rejected %q, want %q", tc.text, tc.conf, got, tc.reject)
		}
		if r := j.hasText(); (r != "") != tc.strong {
			t.Errorf("%q@%.0f: decided %q, want deciding %v", tc.text, tc.conf, r, tc.strong)
		}
	}
}

func TestWebAddress(t *testing.T) {
	for _, tc := range []struct {
		core string
		want bool
	}{
		{"www.shutterstock.com", true},
		{"umbir.com", true},    // "tumblr.com" read faint
		{"esgram.cor", true},   // "...gram.com" read faint
		{"jrequotes.ce", true}, // the same
		{"dreamstime.net", true},
		{"WWW.ALAMY", true},
		{"abc.com", false},        // too
		{"tumblr", false},         // no domain
		{"end.Then", false},       // two words run together
		{"fo.o.com", false},       // not a name
		{"lit.cc.", false},        // ...
		{"photodune-cor", true},   // ".photodune.com" read faint
		{"photodune,com", true},   // the same
		{"photo-com", false},      // too short a name after a misread dot
		{"anti-climax", false},    // a word with a hyphen
		{"dream-stime.co", true},  // a real dot wins
		{"ph0t0dune-cor", true},   // digits count as the name
		{"photo-dune-cor", false}, // not all of the name is letters or digits
	} {
		if got := webAddress(tc.core); got != tc.want {
			t.Errorf("webAddress(%q) = %v, want %v", tc.core, got, tc.want)
		}
	}
}

// TestWordRules: the rules of words.go on words as the passes return
// them (boxes in the original image's pixels), with the glyph support a
// frame would give (glyphs: the support of every box).
func TestWordRules(t *testing.T) {
	type read struct {
		text string
		conf float64
		box  [4]int
		pass string
		// slope: read on a candidate line turned level (judge.addLine).
		slope float64
	}
	for _, tc := range []struct {
		name   string
		reads  []read
		glyphs int
		want   string
		// along: the support along a turned line (supportAlong).
		along int
	}{
		// A faint watermark address read unsurely by two preparations.
		{"echo", []read{{"umbir.com", 56, [4]int{300, 400, 420, 418}, PassOtsu, 0}, {"tumbIr.com", 48, [4]int{296, 399, 421, 419}, PassRegions, 0}}, 0, RuleAgree, 0},
		// Three readings of a dark sign word, none at MinConfidence.
		{"echo under MinConfidence", []read{{"MATE", 50, [4]int{80, 40, 160, 70}, PassOtsu, 0}, {"MATE", 39, [4]int{82, 41, 161, 69}, PassRegions, 0}}, 0, RuleAgree, 0},
		{"no echo of one pass", []read{{"MATE", 50, [4]int{80, 40, 160, 70}, PassOtsu, 0}, {"MATE", 49, [4]int{82, 41, 161, 69}, PassOtsu, 0}}, 5, "", 0},
		{"no echo elsewhere", []read{{"MATE", 50, [4]int{80, 40, 160, 70}, PassOtsu, 0}, {"MATE", 49, [4]int{280, 41, 361, 69}, PassLocal, 0}}, 5, "", 0},
		{"no echo of three letters", []read{{"Rag", 50, [4]int{80, 40, 120, 70}, PassOtsu, 0}, {"Rag", 49, [4]int{82, 41, 121, 69}, PassLocal, 0}}, 5, "", 0},
		{"no echo under echoConfidence", []read{{"MATE", 50, [4]int{80, 40, 160, 70}, PassOtsu, 0}, {"MATE", 30, [4]int{82, 41, 161, 69}, PassLocal, 0}}, 5, "", 0},
		{"no echo of non-words", []read{{"wmhn", 50, [4]int{80, 40, 160, 70}, PassOtsu, 0}, {"wmhn", 50, [4]int{82, 41, 161, 69}, PassLocal, 0}}, 5, "", 0},
		// (In capitals two passes' "WMHN" at 50 is an acronym read twice: acronymRule.)
		{"digits echo", []read{{"$19.99", 52, [4]int{80, 40, 180, 70}, PassOtsu, 0}, {"19.99", 45, [4]int{100, 41, 181, 69}, PassRegions, 0}}, 0, RuleAgree, 0},
		// A web address alone from webConfidence, on glyphs.
		{"web address", []read{{"esgram.cor", 48, [4]int{300, 400, 420, 418}, PassRegions, 0}}, 9, RuleStrong, 0},
		{"web address off glyphs", []read{{"esgram.cor", 48, [4]int{300, 400, 420, 418}, PassRegions, 0}}, 2, "", 0},
		// A faint web address from webAddressConfidence; a handle not under webConfidence.
		{"faint web address", []read{{"‘tumblir.com", 34, [4]int{300, 400, 420, 418}, PassRegions, 0}}, 9, RuleStrong, 0},
		{"faint web address off glyphs", []read{{"‘tumblir.com", 34, [4]int{300, 400, 420, 418}, PassRegions, 0}}, 2, "", 0},
		{"web address under webAddressConfidence", []read{{"esgram.cor", 28, [4]int{300, 400, 420, 418}, PassRegions, 0}}, 9, "", 0},
		{"handle under webConfidence", []read{{"@fotolia", 35, [4]int{300, 400, 400, 418}, PassOtsu, 0}}, 7, "", 0},
		// A handle alone from webConfidence, on glyphs.
		{"handle", []read{{"@fotolia", 45, [4]int{300, 400, 400, 418}, PassOtsu, 0}}, 7, RuleStrong, 0},
		{"handle off glyphs", []read{{"@fotolia", 45, [4]int{300, 400, 400, 418}, PassOtsu, 0}}, 1, "", 0},
		// A long word alone from MinConfidence, on glyphs.
		{"long word", []read{{"POETRY", 61, [4]int{40, 40, 160, 64}, PassRegionsGrey, 0}}, 6, RuleStrong, 0},
		{"long word off glyphs", []read{{"POETRY", 61, [4]int{40, 40, 160, 64}, PassRegionsGrey, 0}}, 2, "", 0},
		{"long number", []read{{"100006", 61, [4]int{40, 40, 160, 64}, PassLocal, 0}}, 6, "", 0},
		{"four letters", []read{{"POEM", 61, [4]int{40, 40, 120, 64}, PassRegionsGrey, 0}}, 4, "", 0},
		// A word of six letters or more alone from unsureLongConfidence, on
		// glyphs: version 4's thumbnail headline "HOLLOW" at 59.7.
		{"unsure long word", []read{{"HOLLOW", 59.7, [4]int{70, 58, 141, 72}, PassRegions, 0}}, 5, RuleStrong, 0},
		{"unsure long word with a mark", []read{{"BACKPACK?", 56.3, [4]int{109, 53, 172, 70}, PassLocal, 0}}, 9, RuleStrong, 0},
		{"unsure long word off glyphs", []read{{"HOLLOW", 59.7, [4]int{70, 58, 141, 72}, PassRegions, 0}}, 2, "", 0},
		{"unsure long word under unsureLongConfidence", []read{{"HOLLOW", 48, [4]int{70, 58, 141, 72}, PassRegions, 0}}, 5, "", 0},
		{"unsure five letters", []read{{"KEITH", 57, [4]int{13, 58, 64, 82}, PassRegions, 0}}, 5, "", 0},
		{"unsure long non-word", []read{{"HHHOLW", 59, [4]int{70, 58, 141, 72}, PassRegions, 0}}, 5, "", 0},
		{"unsure long word of a tiled pass", []read{{"HOLLOW", 59, [4]int{70, 58, 141, 72}, PassSteep, 0}}, 5, "", 0},
		// Three letters read alike by the two regions passes on one line
		// do not agree (a spider's web "wee" at 66 and 71); by another pass they do.
		{"three letters of the regions passes", []read{{"wee", 66, [4]int{219, 189, 248, 208}, PassRegions, 0}, {"wee", 70.6, [4]int{218, 189, 248, 209}, PassRegionsGrey, 0}}, 3, "", 0},
		{"three letters of a regions pass and its second reading", []read{{"wee", 66, [4]int{219, 189, 248, 208}, PassRegions, 0}, {"wee", 70.6, [4]int{218, 189, 248, 209}, PassRegions + rereadSuffix, 0}}, 3, "", 0},
		{"three letters of two preparations", []read{{"BAR", 66, [4]int{219, 189, 248, 208}, PassRegions, 0}, {"BAR", 70.6, [4]int{218, 189, 248, 209}, PassOtsu, 0}}, 3, RuleAgree, 0},
		{"four letters of the regions passes", []read{{"SEER", 66, [4]int{219, 189, 258, 208}, PassRegions, 0}, {"SEER", 70.6, [4]int{218, 189, 258, 209}, PassRegionsGrey, 0}}, 3, RuleAgree, 0},
		// Four letters alone need shortStrongConfidence: texture's "SEER" at 70.
		{"four letters at 70", []read{{"SEER", 70, [4]int{40, 40, 120, 64}, PassRegions, 0}}, 4, "", 0},
		{"four letters at 78", []read{{"SALE", 78, [4]int{40, 40, 120, 64}, PassRegions, 0}}, 4, RuleStrong, 0},
		{"five letters at 70", []read{{"SALES", 70, [4]int{40, 40, 140, 64}, PassRegions, 0}}, 5, RuleStrong, 0},
		// Four letters from StrongConfidence on a turned line, standing on
		// glyphs along it: "RIGH" at 68 on a tiled watermark's line at 23
		// degrees stood on none upright.
		{"four letters along a turned line", []read{{"RIGH", 68, [4]int{183, 19, 221, 40}, PassRegions, 0.43}}, 0, RuleStrong, 3},
		{"four letters off glyphs along a turned line", []read{{"RIGH", 68, [4]int{183, 19, 221, 40}, PassRegions, 0.43}}, 0, "", 2},
		{"four letters on a turned line under StrongConfidence", []read{{"RIGH", 63, [4]int{183, 19, 221, 40}, PassRegions, 0.43}}, 0, "", 4},
		{"four letters upright on glyphs", []read{{"RIGH", 68, [4]int{183, 19, 221, 40}, PassRegions, 0}}, 4, "", 4},
		{"three letters along a turned line", []read{{"RIG", 70, [4]int{183, 19, 212, 40}, PassRegions, 0.43}}, 0, "", 3},
		// A tiled pass's reading echoed by an upright pass's.
		{"tiled echo", []read{{"ttyima", 75, [4]int{-1, 75, 41, 89}, PassSteep, 0}, {"ttyime", 58, [4]int{-4, 74, 39, 92}, PassRegionsGrey, -0.77}}, 0, RuleAgree, 0},
		{"no echo of two tiled passes", []read{{"ttyima", 55, [4]int{-1, 75, 41, 89}, PassSteep, 0}, {"ttyime", 58, [4]int{-4, 74, 39, 92}, PassSteepDark, 0}}, 0, "", 0},
		// An acronym read alike twice.
		{"acronym", []read{{"SLX", 71, [4]int{56, 64, 133, 98}, PassRegions, 0.1}, {"SLX", 74, [4]int{58, 63, 131, 94}, PassLocal, 0}}, 4, RuleAgree, 4},
		{"acronym of two lines", []read{{"SLX", 71, [4]int{56, 64, 133, 98}, PassRegions, 0}, {"SLX", 33, [4]int{55, 64, 133, 100}, PassRegions, 0}}, 4, RuleAgree, 4},
		{"acronym once", []read{{"SLX", 71, [4]int{56, 64, 133, 98}, PassRegions, 0}}, 4, "", 4},
		{"acronym and its second reading", []read{{"SLX", 71, [4]int{56, 64, 133, 98}, PassRegions, 0}, {"SLX", 70, [4]int{56, 64, 133, 98}, PassRegions + rereadSuffix, 0}}, 4, "", 4},
		{"acronym elsewhere", []read{{"SLX", 71, [4]int{56, 64, 133, 98}, PassRegions, 0}, {"SLX", 74, [4]int{258, 63, 331, 94}, PassLocal, 0}}, 4, "", 4},
		{"acronym read faintly twice", []read{{"SLX", 49.3, [4]int{236, 345, 502, 472}, PassOtsu, 0}, {"SLX", 33.4, [4]int{233, 342, 506, 477}, PassRegionsGrey, 0}}, 4, RuleAgree, 4},
		{"acronym under acronymConfidence", []read{{"SLX", 42, [4]int{56, 64, 133, 98}, PassRegions, 0}, {"SLX", 40, [4]int{58, 63, 131, 94}, PassLocal, 0}}, 4, "", 4},
		{"lower-case consonants twice", []read{{"Psst", 71, [4]int{56, 64, 133, 98}, PassRegions, 0}, {"psst", 70, [4]int{58, 63, 131, 94}, PassLocal, 0}}, 4, "", 4},
		{"acronym read surely once, unsurely once", []read{{"SLX", 58, [4]int{56, 64, 133, 98}, PassRegions, 0}, {"SLX", 74, [4]int{58, 63, 131, 94}, PassLocal, 0}}, 4, RuleAgree, 4},
		// A tiled watermark's word read in pieces at two places.
		{"tiled run", []read{{"REN", 75, [4]int{84, 62, 133, 96}, PassSteep, 0}, {"REN", 81, [4]int{74, 147, 124, 182}, PassSteep, 0}}, 0, RuleRepeat, 0},
		{"tiled runs that overlap", []read{{"REN", 75, [4]int{84, 62, 133, 96}, PassSteep, 0}, {"REN", 81, [4]int{120, 62, 170, 96}, PassSteep, 0}}, 0, "", 0},
		// One copy read surely, another faintly ("ock" and "sock" of a faint tiled "stock"):
		// not enough (make demo's scenes without text read such pairs at 62-68).
		{"faint tiled run", []read{{"ock", 66, [4]int{84, 62, 133, 96}, PassSteepStack, 0}, {"sock", 56, [4]int{74, 147, 124, 182}, PassSteepStack, 0}}, 0, "", 0},
		{"demo scene's tiled pair", []read{{"wee", 62, [4]int{84, 62, 133, 96}, PassSteepStack, 0}, {"wee", 66, [4]int{74, 147, 124, 182}, PassSteepStack, 0}}, 0, "", 0},
		{"tiled run from tiledRunConfidence", []read{{"ock", 72, [4]int{84, 62, 133, 96}, PassSteepDark, 0}, {"sock", 70, [4]int{74, 147, 124, 182}, PassSteep, 0}}, 0, RuleRepeat, 0},
		// The stacked image repeats everything at the step, texture too:
		// its words make no repeat (version 7's held-out false positives,
		// "New" at 80 and 79 of a tiled desert, "ving" at 70 and 73).
		{"stacked tiled run", []read{{"New", 80, [4]int{60, 59, 82, 69}, PassSteepStack, 0}, {"New", 79, [4]int{122, 58, 142, 68}, PassSteepStack, 0}}, 0, "", 0},
		{"tiled run with a stacked word", []read{{"ving", 70, [4]int{98, 235, 129, 248}, PassSteep, 0}, {"ving", 73, [4]int{95, 363, 128, 373}, PassSteepStack, 0}}, 0, "", 0},
		{"stacked tiled run of four letters", []read{{"ving", 73, [4]int{98, 235, 129, 248}, PassSteepStack, 0}, {"ving", 73, [4]int{95, 363, 128, 373}, PassSteepStack, 0}}, 0, "", 0},
		{"tiled run under tiledRunConfidence", []read{{"REN", 68, [4]int{84, 62, 133, 96}, PassSteep, 0}, {"REN", 81, [4]int{74, 147, 124, 182}, PassSteep, 0}}, 0, "", 0},
		{"tiled run under tiledRunLow", []read{{"wae", 44, [4]int{84, 62, 133, 96}, PassSteep, 0}, {"Awae", 73, [4]int{74, 147, 124, 182}, PassSteep, 0}}, 0, "", 0},
		{"faint tiled run of a non-word", []read{{"ock", 66, [4]int{84, 62, 133, 96}, PassSteep, 0}, {"kkkock", 57, [4]int{74, 147, 124, 182}, PassSteep, 0}}, 0, "", 0},
		{"faint tiled run upright", []read{{"ock", 66, [4]int{84, 62, 133, 96}, PassSteep, 0}, {"sock", 56, [4]int{74, 147, 124, 182}, PassRegions, 0}}, 0, "", 0},
		// A tiled pass's word that only the strokes rule rejects, from
		// tiledConfidence on glyphs: "flic" of a tiled "flickr".
		{"tiled strokes word", []read{{"flic’", 86, [4]int{85, 83, 127, 106}, PassSteepStack, 0}}, 3, RuleStrong, 0},
		{"tiled strokes word off glyphs", []read{{"flic’", 86, [4]int{85, 83, 127, 106}, PassSteepStack, 0}}, 2, "", 0},
		{"tiled strokes word under tiledConfidence", []read{{"flic", 80, [4]int{85, 83, 127, 106}, PassSteep, 0}}, 3, "", 0},
		{"tiled strokes of three letters", []read{{"fli", 90, [4]int{85, 83, 117, 106}, PassSteep, 0}}, 3, "", 0},
		{"upright strokes word", []read{{"flic", 86, [4]int{85, 83, 127, 106}, PassRegions, 0}}, 3, "", 0},
		{"tiled run of two letters", []read{{"REN", 75, [4]int{84, 62, 133, 96}, PassSteep, 0}, {"RED", 81, [4]int{74, 147, 124, 182}, PassSteep, 0}}, 0, "", 0},
		// Seven letters or more alone from unsureVeryLongConfidence, on glyphs.
		{"unsure very long word", []read{{"MONITOR}", 48.8, [4]int{79, 96, 152, 129}, PassRegionsGrey, 0}}, 10, RuleStrong, 0},
		{"unsure very long word under unsureVeryLongConfidence", []read{{"MONITOR}", 43, [4]int{79, 96, 152, 129}, PassRegionsGrey, 0}}, 10, "", 0},
		{"unsure six letters under unsureLongConfidence", []read{{"MONITO", 48.8, [4]int{79, 96, 142, 129}, PassRegionsGrey, 0}}, 10, "", 0},
		// A price alone from MinConfidence, on glyphs (wave 10: version 5's
		// price tags read at 61 and 62 in thumbnails).
		{"price", []read{{"$068.00", 61, [4]int{106, 89, 137, 110}, PassRegions, 0}}, 4, RuleStrong, 0},
		{"price in brackets", []read{{"(16.25", 62, [4]int{42, 114, 60, 131}, PassOtsu, 0}}, 5, RuleStrong, 0},
		{"price off glyphs", []read{{"$068.00", 61, [4]int{106, 89, 137, 110}, PassRegions, 0}}, 2, "", 0},
		{"price under MinConfidence", []read{{"$068.00", 58, [4]int{106, 89, 137, 110}, PassRegions, 0}}, 4, "", 0},
		{"price of two digits", []read{{"$50", 64, [4]int{106, 89, 130, 110}, PassRegions, 0}}, 4, "", 0},
		{"plain number", []read{{"0680", 64, [4]int{106, 89, 137, 110}, PassRegions, 0}}, 4, "", 0},
		{"price of a tiled pass", []read{{"$068.00", 61, [4]int{106, 89, 137, 110}, PassSteep, 0}}, 4, "", 0},
		// Two tiled passes at one place count as one (wave 10: "tate" at 72
		// and 73 on a floor texture); a tiled and an upright pass agree.
		{"two tiled passes at one place", []read{{"tate", 72, [4]int{65, 108, 93, 118}, PassSteep, 0}, {"tate", 73, [4]int{65, 108, 93, 118}, PassSteepStack, 0}}, 3, "", 0},
		{"a tiled and an upright pass at one place", []read{{"tate", 72, [4]int{65, 108, 93, 118}, PassSteep, 0}, {"tate", 70, [4]int{65, 108, 93, 118}, PassOtsu, 0}}, 3, RuleAgree, 0},
		// An echo of the two regions passes needs a reading on glyphs (wave
		// 10: "Bows" at 71 and 46 on a skybox, on two glyphs and none).
		{"echo of the regions passes off glyphs", []read{{"Bows", 46, [4]int{150, 195, 196, 222}, PassRegions, 0}, {"Bows", 71, [4]int{161, 195, 196, 222}, PassRegionsGrey, 0}}, 2, "", 0},
		{"echo of the regions passes on glyphs", []read{{"Bows", 46, [4]int{150, 195, 196, 222}, PassRegions, 0}, {"Bows", 71, [4]int{161, 195, 196, 222}, PassRegionsGrey, 0}}, 3, RuleAgree, 0},
		{"echo of a regions pass and otsu off glyphs", []read{{"Bows", 46, [4]int{150, 195, 196, 222}, PassRegions, 0}, {"Bows", 71, [4]int{161, 195, 196, 222}, PassOtsu, 0}}, 2, RuleAgree, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, _ := Options{}.withDefaults()
			var j judge
			j.init(o, 640, 480)
			j.support = func([4]int) int { return tc.glyphs }
			j.supportAlong = func([4]int, float64) int { return tc.along }
			for _, r := range tc.reads {
				j.addLine([]rawWord{{r.text, r.conf, r.box[0], r.box[1], r.box[2], r.box[3]}}, r.pass, 1, r.slope)
			}
			got := j.hasText()
			if got != tc.want {
				t.Fatalf("rule %q, want %q: %+v %+v", got, tc.want, j.accepted, j.rejected)
			}
			if got == "" {
				return
			}
			decisive := 0
			for _, w := range j.words() {
				if w.Decisive {
					decisive++
				}
			}
			// An echo marks both readings, but of two accepted readings at
			// one place only the surer is kept.
			if lo, hi := map[string]int{RuleAgree: 1, RuleStrong: 1, RuleRepeat: 2}[got], map[string]int{RuleAgree: 2, RuleStrong: 1, RuleRepeat: 2}[got]; decisive < lo || decisive > hi {
				t.Errorf("%d words marked decisive, want %d..%d: %+v", decisive, lo, hi, j.words())
			}
		})
	}
}

// TestUnsureLine: a line is read again when it holds a word of echoRun
// letters or digits that counts but for its confidence (words as the
// regions passes return them from the tuning part's misses), not for
// short fragments, non-words or sure words.
func TestUnsureLine(t *testing.T) {
	o, _ := Options{}.withDefaults()
	for _, tc := range []struct {
		name string
		ws   []rawWord
		want bool
	}{
		{"unsure word", []rawWord{{"wrens", 49, 40, 40, 110, 60}}, true},
		{"unsure headline", []rawWord{{"leouy", 60, 40, 40, 110, 60}, {"ES,", 48, 120, 40, 150, 60}}, true},
		{"short fragments", []rawWord{{"war", 51, 40, 40, 80, 60}, {"SE", 48, 90, 40, 110, 60}}, false},
		{"non-word", []rawWord{{"WMHN", 50, 40, 40, 100, 60}}, false},
		{"too unsure", []rawWord{{"wrens", 20, 40, 40, 110, 60}}, false},
		{"sure", []rawWord{{"wrens", 80, 40, 40, 110, 60}}, false},
	} {
		var j judge
		j.init(o, 400, 300)
		if got := j.unsureLine(tc.ws, PassRegions, 1); got != tc.want {
			t.Errorf("%s: unsureLine %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRereadLine: the second reading of a candidate line reads the
// caption's words and maps their boxes back onto the caption.
func TestRereadLine(t *testing.T) {
	img, box := captioned(t, skimagePhoto(t, "coffee.png"), "Fresh morning coffee", 40, image.Pt(60, 70))
	col := toRGB(img)
	g := col.gray()
	rs, _ := findRegions([]grayImage{g}, defaultRegionParams)
	rs = byEvidence(rs)
	if len(rs) == 0 {
		t.Fatal("no candidate line")
	}
	det := testDetector(t, 1, Options{})
	c, err := det.pool.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer det.pool.Put(c)
	cb := [4]int{box.Min.X, box.Min.Y, box.Max.X, box.Max.Y}
	var read []string
	for _, r := range rs {
		if overlap([4]int{r.x0, r.y0, r.x1, r.y1}, cb) < 0.5 {
			continue
		}
		ws, err := rereadLine(c, g, r, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			if alnumCount(w.text) < 4 {
				continue
			}
			read = append(read, w.text)
			if b := [4]int{w.x0, w.y0, w.x1, w.y1}; overlap(b, cb) < 0.8 {
				t.Errorf("%q at %v, outside the caption %v", w.text, b, cb)
			}
		}
	}
	if got := strings.Join(read, " "); !sharesRun(got, "Fresh morning coffee", 5) {
		t.Errorf("read %q, want the caption", got)
	}
}

func TestHandle(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"@dreamstime", true},
		{"@mkbhd", true},
		{"“@sad.girl.99”", true},
		{"#MondayMotivation", true},
		{"#tbt", false},       // under four letters
		{"@200e9G", false},    // coins: "@" for a blob, then digits
		{"@20@e@e@", false},   // the same
		{"@w", false},         // a blob and a letter
		{"dreamstime", false}, // no mark
		{"a@b", false},
	} {
		if got := handle(tc.text); got != tc.want {
			t.Errorf("handle(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	// A handle without vowels counts as a word (a name, not English),
	// from webConfidence.
	o, _ := Options{}.withDefaults()
	var j judge
	j.init(o, 640, 480)
	for _, tc := range []struct {
		text string
		conf float64
		want string
	}{
		{"@mkbhd", 80, ""},
		{"mkbhd", 80, RejectNoVowel},
		{"@fotolia", 45, ""},
		{"fotolia", 45, RejectConfidence},
		{"@fotolia", 35, RejectConfidence},
		{"@llll", 80, RejectRepeats},
	} {
		if got := j.rule(tc.text, tc.conf, [4]int{10, 10, 10 + 12*len(tc.text), 30}); got != tc.want {
			t.Errorf("rule(%q@%.0f) = %q, want %q", tc.text, tc.conf, got, tc.want)
		}
	}
}

// TestEchoExplained: the unsure reading of an echo is kept in the verdict's
// words however many surer fragments were rejected, so that --explain
// shows both boxes that decided.
func TestEchoExplained(t *testing.T) {
	o, _ := Options{}.withDefaults()
	var j judge
	j.init(o, 640, 480)
	for i := range MaxVerdictWords + 5 {
		j.add(rawWord{"a", 90, 10 * i, 300, 10*i + 8, 312}, PassOtsu, 1)
	}
	j.add(rawWord{"MATE", 50, 80, 40, 160, 70}, PassOtsu, 1)
	j.add(rawWord{"MATE", 39, 82, 41, 161, 69}, PassRegions, 1)
	if r := j.hasText(); r != RuleAgree {
		t.Fatalf("rule %q, want %q", r, RuleAgree)
	}
	n := 0
	for _, w := range j.words() {
		if w.Decisive && w.Text == "MATE" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d deciding readings in the verdict's words, want 2: %+v", n, j.words())
	}
}

// TestSureShort: a word of three letters or digits decides alone from
// sureShortConfidence when the longest chain of glyphs under its box fills
// it (wave 10: a headline's "DIS" at 92.6; texture's "ASS" and "WIS" at
// 86-88 stand on chains too narrow or too low).
func TestSureShort(t *testing.T) {
	type read struct {
		text string
		conf float64
		box  [4]int
		pass string
	}
	for _, tc := range []struct {
		name   string
		r      read
		glyphs int
		want   string
		fit    chainFit
	}{
		{"sure three letters filling the box", read{"DIS", 92.6, [4]int{242, 253, 295, 279}, PassOtsu}, 3, RuleStrong, chainFit{glyphs: 3, bottomDev: 0.01, cover: 0.97, height: 0.88}},
		{"sure three letters on a narrow chain", read{"ASS", 92.6, [4]int{342, 220, 401, 267}, PassOtsu}, 3, "", chainFit{glyphs: 3, bottomDev: 0.28, cover: 0.56, height: 0.34}},
		{"sure three letters on a low chain", read{"WIS", 92.6, [4]int{266, 76, 342, 105}, PassLocal}, 5, "", chainFit{glyphs: 5, bottomDev: 0.1, cover: 0.99, height: 0.44}},
		{"sure three letters off a baseline", read{"DIS", 92.6, [4]int{242, 253, 295, 279}, PassOtsu}, 3, "", chainFit{glyphs: 3, bottomDev: 0.2, cover: 0.97, height: 0.88}},
		{"sure three letters on two glyphs", read{"DIS", 92.6, [4]int{242, 253, 295, 279}, PassOtsu}, 2, "", chainFit{glyphs: 2, cover: 0.97, height: 0.88}},
		{"three letters under sureShortConfidence", read{"DIS", 88, [4]int{242, 253, 295, 279}, PassOtsu}, 3, "", chainFit{glyphs: 3, cover: 0.97, height: 0.88}},
		{"sure three letters of a tiled pass", read{"DIS", 92.6, [4]int{242, 253, 295, 279}, PassSteep}, 3, "", chainFit{glyphs: 3, cover: 0.97, height: 0.88}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, _ := Options{}.withDefaults()
			var j judge
			j.init(o, 640, 480)
			j.support = func([4]int) int { return tc.glyphs }
			j.fit = func([4]int) chainFit { return tc.fit }
			j.addLine([]rawWord{{tc.r.text, tc.r.conf, tc.r.box[0], tc.r.box[1], tc.r.box[2], tc.r.box[3]}}, tc.r.pass, 1, 0)
			if got := j.hasText(); got != tc.want {
				t.Fatalf("rule %q, want %q: %+v %+v", got, tc.want, j.accepted, j.rejected)
			}
		})
	}
}
