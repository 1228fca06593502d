package imagehash

import "testing"

// TestMatchCentreSure checks which windows MatchCentre compares: those
// with MinCentreSure sure bits, below MinSure (a smooth texture's), the
// other checks unchanged. The signatures have no Local and grey Colour, so
// only the window keys decide.
func TestMatchCentreSure(t *testing.T) {
	w := CentreMatchWindows[0]
	const p = Hash(0x0f0f_3c3c_a5a5_00ff)
	key := func(sure, mean uint8, flip Hash) Key {
		return Key{P: p ^ flip, D: 0x1234, Sure: sure, Mean: mean, Spread: 30}
	}
	sig := func(k Key) *Signature {
		s := &Signature{Windows: make([]Key, len(Windows))}
		s.Windows[w] = k
		return s
	}
	for _, c := range []struct {
		name string
		a, b Key
		want bool
	}{
		{"both sharp", key(45, 100, 0), key(44, 100, 1), true},
		{"smooth texture, same bits", key(36, 143, 0), key(37, 143, 0), true},
		{"at MinCentreSure", key(MinCentreSure, 90, 0), key(MinCentreSure, 90, 3), true},
		{"one below MinCentreSure", key(MinCentreSure-1, 90, 0), key(40, 90, 0), false},
		{"Means over CentreMean", key(36, 143, 0), key(36, 143+CentreMean+1, 0), false},
		{"P over the distance", key(36, 143, 0), key(36, 143, 0x7ff), false},
	} {
		if got := MatchCentre(sig(c.a), sig(c.b), w, 10); got != c.want {
			t.Errorf("%s: MatchCentre = %v, want %v", c.name, got, c.want)
		}
	}
}
