package ocr

// Word rules for text in real scenes (issue 16, wave 12).

// webDigits reports whether a web address may keep digits inside its
// site name (spelling's mixed-alnum rule: "a1b2"): site names are names,
// not words ("www.scorched3d.co.uk" at 92 on a game banner of version 6's
// validation part), and texture reads no dot and domain after them.
func webDigits(web bool, reject string) bool { return web && reject == RejectMixedAlnum }

// unsureFour reports whether w, a word of StrongChars letters or digits
// none of whose readings reached StrongConfidence, agrees (judge.agrees)
// only with a pass other than the regions passes, as a shorter word does:
// the regions passes and their second readings read one candidate line of
// one luma, and the ribs of a pumpkin on a game's intro picture were read
// "reer" at 60-64 by regions and by regions-grey's second reading (the
// one false positive of version 6's validation part, a thumbnail).
func (j *judge) unsureFour(w Word) bool {
	return wordChars(w.Text) == j.o.StrongChars && w.Conf < j.o.StrongConfidence
}
