package ocr

import "testing"

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
// like a four-letter word.
func TestPriceRules(t *testing.T) {
	o, _ := Options{}.withDefaults()
	for _, tc := range []struct {
		text   string
		conf   float64
		box    [4]int
		reject string
		strong bool
	}{
		{"$5.99", 72, [4]int{40, 60, 120, 84}, "", true},
		{"$19.99", 70, [4]int{40, 60, 140, 84}, "", true},
		{"50%", 80, [4]int{40, 60, 90, 84}, "", false},
		{"50%", 96, [4]int{40, 60, 90, 84}, "", true},
		{"5.99", 72, [4]int{40, 60, 100, 84}, "", true},
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
		{"abc.com", false},  // too
		{"tumblr", false},   // no domain
		{"end.Then", false}, // two words run together
		{"fo.o.com", false}, // not a name
		{"lit.cc.", false},  // ...
	} {
		if got := webAddress(tc.core); got != tc.want {
			t.Errorf("webAddress(%q) = %v, want %v", tc.core, got, tc.want)
		}
	}
}
