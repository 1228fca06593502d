package partition

import (
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		in   string
		env  map[string]string
		want Spec
		bad  bool
	}{
		{in: "", want: Spec{}},
		{in: "0/4", want: Spec{0, 4}},
		{in: "3/4", want: Spec{3, 4}},
		{in: "4/4", bad: true},
		{in: "-1/4", bad: true},
		{in: "1/0", bad: true},
		{in: "4", bad: true},
		{in: "/3", env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, want: Spec{2, 3}},
		{in: "/3", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, want: Spec{1, 3}},
		{in: "/3", env: map[string]string{"JOB_COMPLETION_INDEX": "0", "SLURM_ARRAY_TASK_ID": "1"}, want: Spec{0, 3}},
		{in: "/3", env: map[string]string{"SLURM_ARRAY_TASK_ID": "3"}, bad: true},
		{in: "/3", bad: true},
	} {
		got, err := Parse(tc.in, env(tc.env))
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("Parse(%q, %v) = %v, %v; want %v, bad=%v", tc.in, tc.env, got, err, tc.want, tc.bad)
		}
	}
}

func TestPartsAreDisjointStableAndBalanced(t *testing.T) {
	const n = 3
	counts := make([]int, n)
	for i := range 3000 {
		key := fmt.Sprintf("http://example.com/img/%d.jpg", i)
		owners := 0
		for p := range n {
			if (Spec{p, n}).Has(key) {
				owners++
				counts[p]++
			}
		}
		if owners != 1 {
			t.Fatalf("%s is in %d parts", key, owners)
		}
		if Of(key, n) != Of(key, n) {
			t.Fatal("not stable")
		}
	}
	for p, c := range counts {
		if c < 900 || c > 1100 {
			t.Errorf("part %d holds %d of 3000 keys", p, c)
		}
	}
	// The value is fixed by the definition (sha256, first 8 bytes, big endian):
	// sha256("a") begins ca978112ca1bbdca, which is 0xca978112ca1bbdca % 7.
	if got, want := Of("a", 7), int(uint64(0xca978112ca1bbdca)%7); got != want {
		t.Errorf("Of(a, 7) = %d, want %d", got, want)
	}
	if !(Spec{}).Has("x") {
		t.Error("the zero spec must hold every key")
	}
}
