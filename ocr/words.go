package ocr

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rules on what words say (issue 16, wave 6): readings that texture does
// not give, so that they may decide on less confidence than a plain word.
//
//   - echo: two passes that prepare the image differently read, at the
//     same place, words sharing echoRun letters in a row, each at
//     echoConfidence or more and each a word but for its confidence. A
//     faint or busy word is read unsurely by every preparation, but read
//     alike ("umbir.com" 62 and "tumbIr.com" 56; "MATE" 50, 39 and 39);
//     what texture makes a preparation read changes with the preparation.
//     One of the two may be a tiled pass's (steep, steep-dark: the whole
//     image read turned), the other then an upright pass's, such as a
//     regions line read turned level ("ttyima" 75 read by steep and
//     "ttyime" 58 by regions-grey on a "gettyimages" tiled at 38
//     degrees); two tiled passes' readings decide by the tiled rules.
//     Checked on every word of every default pass on the tuning part and
//     the held-out parts of versions 2 and 3 (TestWordDump): no photo
//     without text has such a pair.
//   - acronyms (acronymRule): a word of capitals without a vowel ("SLX"
//     of a logo, "NYC", "BBC"), which the spelling rules reject, read
//     alike at the same place by another pass or line.
//   - tiled triples (tiledEcho): two words of a tiled pass at different
//     places sharing minTiledRun letters in a row.

// echoConfidence is the least confidence of either reading of an echo;
// echoRun the letters in a row they must share.
const (
	echoConfidence = 35
	echoRun        = 4
)

// echoable reports whether w may take part in an echo: read at
// echoConfidence or more and counting as a word but for its confidence.
func (j *judge) echoable(w Word) bool {
	if w.Conf < echoConfidence || strings.HasSuffix(w.Pass, rereadSuffix) || viewPass(w.Pass) {
		return false
	}
	return w.Reject == "" || w.Reject == RejectConfidence && j.rule(w.Text, j.o.MinConfidence, w.Box) == ""
}

// addEcho keeps w when it is echoable and looks for an earlier reading of
// another pass it echoes; the first pair found decides (echoRule).
func (j *judge) addEcho(w Word) {
	if j.echo != nil || !j.echoable(w) {
		return
	}
	for _, a := range j.echoes {
		if turnedSpecs[a.Pass].tiled && turnedSpecs[w.Pass].tiled {
			continue // two tiled passes: see tiledEcho
		}
		if a.Pass != w.Pass && overlap(a.Box, w.Box) > 0.5 && sharesAlnumRun(a.Text, w.Text, echoRun) && j.echoStands(a, w) {
			j.echo = []Word{a, w}
			return
		}
	}
	j.echoes = append(j.echoes, w)
}

// echoStands reports whether two readings that echo each other may
// decide: readings of two different preparations always; the two
// regions passes' readings (the same candidate line of the same luma,
// binarised two ways) only when one of them stands on minSupport glyphs
// (wave 10: "Bows" at 71 and 46, standing on two glyphs and none, on a
// skybox of version 5's validation part; no verdict on an image with
// text of the tuning part or versions 2 to 5 rests on a regions-pair echo
// off glyphs: none changed, stride 1).
func (j *judge) echoStands(a, b Word) bool {
	_, ra := regionPasses[a.Pass]
	_, rb := regionPasses[b.Pass]
	if !ra || !rb {
		return true
	}
	return j.support != nil && max(j.glyphs(a.Box), j.glyphs(b.Box)) >= minSupport
}

// echoRule marks the two readings of an echo (see above) decisive and
// returns RuleAgree, or "" when there is none.
func (j *judge) echoRule() string {
	if j.echo == nil {
		return ""
	}
	for _, e := range j.echo {
		j.markDecisive(e)
	}
	return RuleAgree
}

// markDecisive marks the kept word (accepted, else rejected) that is e.
func (j *judge) markDecisive(e Word) {
	for _, ws := range [][]Word{j.accepted, j.rejected} {
		for i, w := range ws {
			if w.Box == e.Box && w.Text == e.Text && w.Pass == e.Pass {
				ws[i].Decisive = true
				return
			}
		}
	}
}

// webAddress reports whether core (a word without its leading and
// trailing punctuation) is written like a web address: a site name of
// webName letters or digits or more, then a dot and a domain suffix
// (siteName's list, or two or three letters starting "c": Tesseract
// reads a faint ".com" as ".cor", ".col", ".ce" no more often than as
// ".com"), or a leading "www.". Texture gives dots, but not a dot
// between a word and a domain.
func webAddress(core string) bool {
	l := strings.ToLower(core)
	name := l
	www := strings.HasPrefix(l, "www.")
	if www {
		name = l[4:]
	}
	dot := strings.LastIndexByte(name, '.')
	misread := false // the dot read as "-" or "," (see webMisreadDot)
	if k := strings.LastIndexAny(name, "-,"); dot < 0 && k >= 0 && !www {
		dot, misread = k, true
	}
	suffix := ""
	if dot >= 0 {
		name, suffix = name[:dot], name[dot+1:]
	}
	if misread {
		return alnumCount(name) >= webMisreadName && alnumCount(name) == len(name) &&
			len(suffix) >= 2 && len(suffix) <= 3 && strings.HasPrefix(suffix, "c")
	}
	if alnumCount(name) < webName || 4*alnumCount(name) < 3*len(name) {
		return false
	}
	if www {
		return true
	}
	switch {
	case slices.Contains(tlds, "."+suffix):
		return true
	case len(suffix) >= 2 && len(suffix) <= 3 && strings.HasPrefix(suffix, "c"):
		return true
	}
	return false
}

// webName: the least letters or digits of a web address's site name.
const webName = 4

// webMisreadName: a faint or small ".com" is read "-cor", "-com" or
// ",com" as well (".photodune-cor" at 47 on a corner watermark of version
// 3's held-out part): after "-" or "," (and no dot) webAddress takes a
// suffix of two or three letters starting "c" when the site name before
// it is this many letters or digits, all of it. No photo without text of
// the three parts it was checked on (tuning, held-out v2 and v3, every
// word of every pass: TestWordDump) reads a word of four letters or more,
// then "-", "," or "." and "c" and one or two letters, at 40 or more.
const webMisreadName = 6

// priceRe matches a price or a share as signs and tags print them:
// "$19.99", "£5", "4,50€", "50%", "19.99".
var priceRe = regexp.MustCompile(`^[$£€¥]?[0-9]{1,4}([.,][0-9]{2})?[$£€¥%]?$`)

// priceChars returns how many characters a price or share counts for
// (its digits, and one for its currency sign, percent sign or decimal
// part), or 0 when text is none: "$5.99" counts 4, "50%" 3, "2024" 0 (a
// plain number counts by its digits). Without it the rules trimmed "$",
// found "5.99" a quarter symbols and "50" too short.
func priceChars(text string) int {
	s := strings.TrimFunc(text, func(r rune) bool { return strings.ContainsRune(`"'()[]:;!?*-+.,`+"\u2018\u2019\u201c\u201d", r) })
	if !priceRe.MatchString(s) {
		return 0
	}
	digits := alnumCount(s)
	if digits == len(s) {
		return 0
	}
	return digits + 1
}

// priceDigits: a price or share of this many digits or more, with its
// currency sign, percent sign or decimal part (priceChars), decides alone
// from MinConfidence standing on minSupport glyphs (weakAlone; wave 10):
// price tags read unsurely ("$068.00" at 61 and "(16.25" at 62 on
// version 5's thumbnails, on four and five glyphs), while no photo
// without text of the tuning part, versions 2 to 5 or make demo's scenes
// reads such a word from 55 on three glyphs (every word of every default
// pass, TestWordDump). Under three digits ("$50", "5%") the glyphs are too
// few to tell a tag from speckle.
const priceDigits = 3

// priceWord reports whether text is a price or share of priceDigits
// digits or more (see priceDigits).
func priceWord(text string) bool {
	n := priceChars(text)
	return n > 0 && n-1 >= priceDigits
}

// wordChars is what a word counts for against StrongChars: a price's
// priceChars, else its letters and digits.
func wordChars(text string) int {
	if n := priceChars(text); n > 0 {
		return n
	}
	return alnumCount(text)
}

// webConfidence: a web address or a handle counts as a word from this
// confidence (not MinConfidence) and decides alone when it stands on
// glyphs (judge.weakAlone). On the tuning part no photo without text
// gives a word of five letters or digits with a dot inside, or "@" or
// "#" before four letters, at any confidence (all passes, every line).
// The stock watermarks of the tuning part's positives are read at 35-93.
const webConfidence = 40

// webAddressConfidence: a web address (not a handle) counts as a word from
// this confidence, and decides alone standing on glyphs as from
// webConfidence. A faint corner watermark's address in a thumbnail is read
// under 40 ("tumblir.com" at 34; "bigstock.com" at 35 on the tuning
// part); no photo without text of the tuning part and the held-out parts
// of versions 2 and 3 reads a web address at any confidence (every word of
// every default pass, TestWordDump, wave 8), but one reads a handle at 29
// ("@iran" on a butterfly), so handles keep webConfidence.
const webAddressConfidence = 30

// longLetters: a word of this many letters decides alone from
// MinConfidence (not StrongConfidence) when it stands on glyphs.
const longLetters = 5

// letterCount counts the letters of s.
func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// shortStrongConfidence: a word of just StrongChars letters or digits
// decides alone only from this confidence (StrongConfidence for longer
// words). The lone words texture reads at 65-72 that stand on glyphs
// ("SEER" at 70 in version 3's held-out part, the integrator's count;
// three on version 2's before the glyph-support rule) have four letters;
// on the tuning part no image needs a lone word of four under 80 (replayed,
// TestTuneSim), and words of five or more are read in texture under 50.
const shortStrongConfidence = 75

// weakAlone reports whether an accepted word under StrongConfidence may
// decide alone by what it says: a web address (from webAddressConfidence), a handle (from webConfidence), a
// word of longLetters letters or a price (priceWord; both from MinConfidence), standing on
// minSupport glyphs whatever its confidence (a judge without support
// never lets one decide).
func (j *judge) weakAlone(w Word) bool {
	if !webAddress(trimPunct(w.Text)) && !handle(w.Text) && letterCount(w.Text) < longLetters && !j.turnedShort(w) && !priceWord(w.Text) {
		return false
	}
	return j.support != nil && j.glyphs(w.Box) >= minSupport
}

// turnedShort reports whether w is a word of just StrongChars letters or
// digits read from StrongConfidence (under shortStrongConfidence) on a
// candidate line the regions passes read turned level (addLine): such a
// word decides alone standing on minSupport glyphs measured along its
// line (judge.glyphs). The lone four-letter words texture gives at 65-75
// ("SEER" at 70, "Bowe" at 65, "Wand" at 72, "Yair" at 74) stand on
// glyphs upright or not at all, never on three along a turned line; the
// turned words of tiled watermarks ("RIGH" at 68 on a line at 23 degrees,
// "urbe" at 66 at 45) stand on their letters only along it. Checked on
// every word every default pass reads of the tuning part and the
// held-out parts of versions 2 and 3 (TestWordDump): from 65 no photo
// without text has such a word, from 60 none either.
func (j *judge) turnedShort(w Word) bool {
	_, turned := j.slopes[w.Box]
	return turned && wordChars(w.Text) == j.o.StrongChars && w.Conf >= j.o.StrongConfidence
}

// sureShortConfidence and the fit bounds: a word of fewer than
// StrongChars letters or digits read by an upright pass from
// sureShortConfidence (under SureConfidence) decides alone when the
// longest chain of glyphs under its box (frame.supportFit) has
// minSupport glyphs, spans sureShortCover of the box's width, its glyphs
// sureShortHeight of its height, their bottoms on one baseline
// (bottomDev up to sureShortBottomDev): letters that fill the box Tesseract
// drew (wave 10: a headline's "DIS" at 92.6 on version 5's validation
// part, its chain 0.97 of the box wide and 0.88 high). Texture's short
// words read that surely stand on chains that do not fill their box
// ("ASS" and "ANA" at 88, "WIS" at 86 on lace, chains 0.56-0.68 wide or
// 0.34-0.50 high); with the fit bounds the surest three-letter word of a
// photo without text is "AMA" at 76 (tuning part, versions 2 to 5, make
// demo's scenes; every word of every default pass, TestWordDump).
const (
	sureShortConfidence = 90
	sureShortCover      = 0.8
	sureShortHeight     = 0.6
	sureShortBottomDev  = 0.15
)

// sureShort applies the rule above to an accepted word.
func (j *judge) sureShort(w Word) bool {
	if j.fit == nil || w.Conf < sureShortConfidence || wordChars(w.Text) >= j.o.StrongChars ||
		turnedSpecs[strings.TrimSuffix(w.Pass, rereadSuffix)].tiled {
		return false
	}
	f, ok := j.fits[w.Box]
	if !ok {
		f = j.fit(w.Box)
		if j.fits == nil {
			j.fits = map[[4]int]chainFit{}
		}
		j.fits[w.Box] = f
	}
	return f.glyphs >= minSupport && f.cover >= sureShortCover && f.height >= sureShortHeight && f.bottomDev <= sureShortBottomDev
}

// unsureLongLetters and unsureLongConfidence: a word of unsureLongLetters
// letters or more that counts but for its confidence decides alone from
// unsureLongConfidence (not MinConfidence) when it stands on minSupport
// glyphs (unsureLongRule; wave 9): thumbnail headlines and meme captions
// in display faces are read under 60 ("HOLLOW" at 59.7, "JOURNAL" and
// "BACKPACK?" at 56.3 on version 4's thumbnails), while texture's words of
// six letters stay under 50 on every part (TestWordDump's table in the
// commit that added it).
//
// Words of unsureVeryLongLetters letters or more decide so from
// unsureVeryLongConfidence (wave 10): meme captions in display faces read
// unsurely on ten glyphs or more ("MONITOR}" at 48.8 on a thumbnail,
// "EXTRAGTVERBOSE" at 49.9 on version 5's validation part), while no
// photo without text of the tuning part, versions 2 to 5 or make demo's
// scenes reads a word of seven letters over 36 in an upright pass (every
// word of every default pass, TestWordDump).
const (
	unsureLongLetters        = 6
	unsureLongConfidence     = 50
	unsureVeryLongLetters    = 7
	unsureVeryLongConfidence = 45
)

// unsureLongFloor is the least confidence a word of n letters decides at
// by unsureLongRule, or 101 (never) under unsureLongLetters.
func unsureLongFloor(n int) float64 {
	switch {
	case n >= unsureVeryLongLetters:
		return unsureVeryLongConfidence
	case n >= unsureLongLetters:
		return unsureLongConfidence
	}
	return 101
}

// unsureLongRule applies the rule above to the rejected words of upright
// passes: it marks the first that decides and returns RuleStrong, or "".
func (j *judge) unsureLongRule() string {
	if j.support == nil {
		return ""
	}
	for i, w := range j.rejected {
		if w.Reject != RejectConfidence || w.Conf < unsureLongFloor(letterCount(w.Text)) || turnedSpecs[w.Pass].tiled {
			continue
		}
		if j.rule(w.Text, j.o.MinConfidence, w.Box) == "" && j.glyphs(w.Box) >= minSupport {
			j.rejected[i].Decisive = true
			return RuleStrong
		}
	}
	return ""
}

// agrees reports whether accepted word i was read alike by two passes
// (RuleAgree). For a word of fewer than StrongChars letters or digits the
// two regions passes and their second readings count as one: they read
// the same candidate line of the same luma, and on version 4's held-out
// part both read a spider's web "wee" at 66 and 71 (wave 9). It costs
// the tuning part's thumbnail whose "Let" both read at 70 and 74: make
// bench-ocr's sample (every 8th scene, DetectBytes of PNG files) found it
// before and not after, while the evaluation at stride 1 (Detect) missed
// it before too. Wave 10 compared the two paths on the current code: both
// give the detector the same options (Options{} and its defaults, all
// seven passes), and on every image with text of the bench's tuning
// sample DetectBytes of the PNG file and Detect, with a pool of one or two
// engines, read the same words and reach the same verdict; on the "Let"
// thumbnail the regions pass now reads "esc" at 59 (the second look of
// regions.go came after), so only regions-grey reads "Let" (74) and both
// paths miss it.
//
// Two tiled passes count as one (wave 10): they read the same image turned
// by the same angles, and a texture read turned gives them the same word
// at the same place ("tate" at 72 and 73 by steep and steep-stack on a
// floor texture of version 5's validation part); a tiled watermark's
// words decide by the tiled rules, which want the word repeated at
// another place (tiledRule).
func (j *judge) agrees(i int) bool {
	short := wordChars(j.accepted[i].Text) < j.o.StrongChars || j.unsureFour(j.accepted[i])
	groups := map[string]bool{}
	for p := range j.seen[i] {
		if viewPass(p) {
			continue // see viewPass
		}
		groups[agreeGroup(p, short)] = true
	}
	return len(groups) >= 2
}

// agreeGroup names the passes that count as one for agrees: the tiled
// passes, and for a short word the regions passes and their second
// readings; any other pass counts as itself.
func agreeGroup(pass string, short bool) string {
	p := strings.TrimSuffix(pass, rereadSuffix)
	if turnedSpecs[p].tiled {
		return "tiled"
	}
	if _, line := regionPasses[p]; line && short {
		return "regions"
	}
	return pass
}

// A second reading of unsure lines (issue 16, wave 6): a candidate line
// whose reading has a word of echoRun letters or digits that counts but
// for its confidence, or counts without deciding, is read again, once,
// as the grey crop scaled rereadScale times larger (Tesseract's line
// recogniser reads the same glyphs differently at another size), under
// the pass name pass+rereadSuffix. A second reading decides by the other
// rules, never by an echo (echoable): echoing its own line's first reading
// it made a false positive on the tuning part ("hone" at 39 read twice). At
// most maxRereads lines an image.
const (
	rereadScale  = 1.5
	maxRereads   = 2
	rereadSuffix = "+again"
)

// unsureLine reports whether a line's words ask for a second reading.
func (j *judge) unsureLine(ws []rawWord, pass string, scale float64) bool {
	for _, r := range ws {
		w := Word{Text: strings.TrimSpace(r.text), Conf: r.conf, Box: wordBox(r, scale), Pass: pass}
		if alnumCount(w.Text) < echoRun || w.Conf >= j.o.StrongConfidence {
			continue
		}
		w.Reject = j.rule(w.Text, w.Conf, w.Box)
		if j.echoable(w) {
			return true
		}
	}
	return false
}

// rereadLine reads candidate line r of g again (see above): the grey
// crop, rereadScale times the size readLine reads, levelled as readLine
// levels it; boxes come back in g's pixels.
func rereadLine(c *Client, g grayImage, r region, deskew bool) ([]rawWord, error) {
	crop, f, ox, oy := lineCrop(g, nil, r)
	w0 := crop.w
	crop = crop.resize(rereadScale)
	f *= float64(crop.w) / float64(max(1, w0)) // the true ratio, as lineCrop's
	back := func(x, y float64) (float64, float64) { return x, y }
	if deg := math.Atan(r.slope) * 180 / math.Pi; deskew && math.Abs(deg) > 2 {
		crop, back = crop.rotate(deg, 255)
	}
	return readLineCrop(c, crop, back, f, ox, oy)
}

// lineChannel returns the channel image the regions passes searched for
// line r of frame fr (luma, or yellow-blue; see runRegions), making the
// yellow-blue one once per frame.
func (fr *frame) lineChannel(r region) grayImage {
	up := max(fr.native.w, fr.native.h) < regionUpBelow
	img, g, _ := fr.image(up)
	if r.ch == 0 {
		return g
	}
	k := map[bool]int{false: 0, true: 1}[up]
	if fr.yb[k].pix == nil {
		fr.yb[k] = img.yellowBlue()
	}
	return fr.yb[k]
}

// handle reports whether a word is written as a handle or a tag:
// "@name", "#tag" (after an opening quote or bracket), the name starting
// with a letter, four letters or more, three quarters of it letters or
// digits ("_" and "." join its parts). Texture reads "@" for round blobs,
// but follows it with digits and symbols ("@20@e@e@" on coins).
func handle(text string) bool {
	s := strings.TrimLeft(strings.TrimSpace(text), `"'([`+"\u2018\u201c")
	if s == "" || s[0] != '@' && s[0] != '#' {
		return false
	}
	name := strings.TrimRight(s[1:], `"'.,;:!?)]`+"\u2019\u201d")
	r, _ := utf8.DecodeRuneInString(name)
	if !unicode.IsLetter(r) || letterCount(name) < 4 {
		return false
	}
	return 4*alnumCount(name) >= 3*utf8.RuneCountInString(name)
}

// acronymConfidence and acronymSecond: an acronym (acronymRule) decides
// when one reading is at least acronymConfidence sure and another, of
// another pass or line at the same place, reads the same letters at
// acronymSecond or more (a logo's "SLX" read at 70 and, on the next
// candidate line over it, at 33). Wave 9 lowered them from 60 and 30:
// no photo without text of the tuning part, the held-out parts of
// versions 2 to 4 or make demo's scenes has two readings of one acronym
// at one place at any confidence (every word of every pass,
// TestWordDump), while version 3's logos read "SLX" at 49 and 33, and at
// 68 on one line and 0 on the next.
const (
	acronymConfidence = 45
	acronymSecond     = 0
)

// acronym reports whether text is written as an acronym or a logo's
// name: three letters or more, capitals and digits only, and rejected by
// the spelling rules for want of a vowel.
func acronym(text string) bool {
	core := trimPunct(text)
	if letterCount(core) < 3 || spelling(core) != RejectNoVowel {
		return false
	}
	for _, r := range core {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// acronymRule decides on an acronym read twice (see acronymConfidence):
// it marks both readings and returns RuleAgree, or "". Texture gives
// consonant strings ("WMHN"), but not the same ones from two
// preparations or two lines at one place: on the tuning part and the
// held-out parts of versions 2 and 3 (every word of every default pass,
// TestWordDump) no photo without text has a pair, even at any confidence
// for the second reading.
func (j *judge) acronymRule() string {
	for _, a := range j.rejected {
		if a.Reject != RejectNoVowel && a.Reject != RejectConfidence || a.Conf < acronymConfidence || !acronym(a.Text) ||
			j.boxRule(a.Box, alnumCount(trimPunct(a.Text))) != "" {
			continue // under MinConfidence the spelling rules were not asked: acronym asks them
		}
		if strings.HasSuffix(a.Pass, rereadSuffix) {
			continue // a second reading is of a line read already
		}
		for _, b := range j.rejected {
			if b.Conf < acronymSecond || strings.HasSuffix(b.Pass, rereadSuffix) || b.Pass == a.Pass && b.Box == a.Box {
				continue
			}
			if overlap(a.Box, b.Box) > 0.5 && sameLetters(a.Text, b.Text) {
				j.markDecisive(a)
				j.markDecisive(b)
				return RuleAgree
			}
		}
	}
	return ""
}

// minTiledRun and tiledRunConfidence: two accepted words of tiled passes
// (steep-stack's make none: tiledRepeat) at different places that share minTiledRun letters in a row, each read
// at tiledRunConfidence or more, decide (RuleRepeat): a tiled
// watermark's word read in pieces ("REN" at 75 and 81, "pre" at 76 and
// 77 of a tiled "PREVIEW" in version 3's held-out part), where tiledRule
// wants four letters. No photo without text of the tuning part and the
// held-out parts of versions 2 and 3 has such a pair even from 65 (every
// word of every default pass, TestWordDump).
// (Wave 8 tried the surer reading from 60 and the other from 50, a word
// but for its confidence: "ock" at 66 and "sock" at 56 of a faint tiled
// "stock" in a v3 thumbnail, no photo without text of tune, v2 or v3 —
// but it decided four of make demo's drawn scenes without text, "wee" at
// 62 and 66, "ate" at 63 and "ote" at 62, "thy", "foe" and "fate" at
// 64-68 by the steep passes, so it was dropped; TestDemoScenesText.)
const (
	minTiledRun        = 3
	tiledRunConfidence = 70
)

// tiledEcho applies the rule above: it marks the pair and returns
// RuleRepeat, or "".
func (j *judge) tiledEcho() string {
	for i, a := range j.accepted {
		if turnedSpecs[a.Pass].tiled && a.Conf >= tiledRunConfidence && j.tiledRepeat(i, minTiledRun, tiledRunConfidence) {
			return RuleRepeat
		}
	}
	return ""
}
