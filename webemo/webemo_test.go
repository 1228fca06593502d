package webemo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDefaultCategories(t *testing.T) {
	c := DefaultCategories()
	if c.Len() != 25 {
		t.Fatalf("Len = %d, want 25", c.Len())
	}
	names := c.Level3Names()
	for id, want := range map[int]string{0: "affection", 1: "cheerfullness", 11: "irritabilty", 19: "sadness", 24: "zest"} {
		if names[id] != want {
			t.Errorf("name of %d = %q, want %q", id, names[id], want)
		}
	}
	tests := []struct {
		level2 string
		want   []int
	}{
		{"sadness", []int{4, 13, 19, 20, 21, 23}},
		{"Sadness", []int{4, 13, 19, 20, 21, 23}},
		{"confusion", []int{2}},
		{"love", []int{0, 9, 12}},
		{"fear", []int{10, 14}},
		{"surprise", []int{22}},
		{"anger", []int{5, 7, 8, 11, 17}},
		{"joy", []int{1, 3, 6, 15, 16, 18, 24}},
	}
	total := 0
	for _, tt := range tests[1:] {
		total += len(tt.want)
	}
	if total != 25 {
		t.Fatalf("test table covers %d ids, want 25", total)
	}
	for _, tt := range tests {
		got, err := c.IDsOfLevel2(tt.level2)
		if err != nil {
			t.Errorf("IDsOfLevel2(%q): %v", tt.level2, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("IDsOfLevel2(%q) = %v, want %v", tt.level2, got, tt.want)
		}
	}
	if _, err := c.IDsOfLevel2("happiness"); !errors.Is(err, ErrUnknownLevel2) {
		t.Errorf("unknown level-2: err = %v, want ErrUnknownLevel2", err)
	}
	for _, cat := range c.All() {
		want := Negative
		if cat.Level2 == "love" || cat.Level2 == "joy" || cat.Level2 == "surprise" {
			want = Positive
		}
		if cat.Polarity != want {
			t.Errorf("%s: polarity %v, want %v", cat.Name, cat.Polarity, want)
		}
	}
	if _, ok := c.Category(25); ok {
		t.Error("Category(25) found")
	}
}

// defaultAs renders the default table in another layout, to check the parser's tolerance.
func defaultAs(line func(c Category) string) string {
	var b strings.Builder
	for _, c := range DefaultCategories().All() {
		b.WriteString(line(c))
		b.WriteByte('\n')
	}
	return b.String()
}

func TestLoadCategoriesLayouts(t *testing.T) {
	pol := func(p Polarity) string {
		if p == Positive {
			return "positive"
		}
		return "negative"
	}
	layouts := map[string]string{
		"tabs":       defaultAs(func(c Category) string { return c.Name + "\t" + c.Level2 + "\t" + c.Polarity.String() }),
		"spaces":     defaultAs(func(c Category) string { return "  " + c.Name + "   " + c.Level2 + " " + c.Polarity.String() + " " }),
		"commas+id":  defaultAs(func(c Category) string { return fmt.Sprintf("%d,%s,%s,%s", c.ID, c.Name, c.Level2, pol(c.Polarity)) }),
		"crlf":       strings.ReplaceAll(defaultAs(func(c Category) string { return c.Name + " " + c.Level2 + " " + c.Polarity.String() }), "\n", "\r\n"),
		"header+bom": "\xef\xbb\xbfid\tlevel-3\tlevel-2\tpolarity\n\n# comment\n" + defaultAs(func(c Category) string { return fmt.Sprintf("%d\t%s\t%s\t%s", c.ID, c.Name, c.Level2, c.Polarity) }),
		"quoted":     defaultAs(func(c Category) string { return fmt.Sprintf(`"%s", "%s", "%s"`, c.Name, c.Level2, c.Polarity) }),
		"ids-shuffled": func() string {
			lines := strings.Split(strings.TrimSpace(defaultAs(func(c Category) string { return fmt.Sprintf("%d %s %s %s", c.ID, c.Name, c.Level2, c.Polarity) })), "\n")
			slices.Reverse(lines)
			return strings.Join(lines, "\n")
		}(),
	}
	want := DefaultCategories().All()
	for name, text := range layouts {
		t.Run(name, func(t *testing.T) {
			c, err := ParseCategories(name, []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.All(); !slices.Equal(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
		})
	}

	// The fixture file on disk, and polarity left out.
	c, err := LoadCategories(filepath.Join("testdata", "category.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.All(), want) {
		t.Errorf("testdata/category.txt: got %v", c.All())
	}
	c, err = ParseCategories("nopol", []byte("a x\nb y\nc x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := c.IDsOfLevel2("x"); !slices.Equal(ids, []int{0, 2}) || c.All()[1].Polarity != Unknown {
		t.Errorf("no polarity: ids %v, cats %v", ids, c.All())
	}
}

func TestLoadCategoriesErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"one field", "affection love +\nzest\n", "bad.txt:2: want [id] level-3 level-2"},
		{"too many", "affection love + extra\n", "bad.txt:1: want"},
		{"polarity", "affection love maybe\n", `bad.txt:1: polarity "maybe"`},
		{"mixed ids", "0 a x\nb y\n", "bad.txt:2: some lines start with an id"},
		{"dup id", "0 a x\n0 b y\n", "bad.txt:2: id 0 listed twice"},
		{"gap", "0 a x\n2 b y\n", "bad.txt:2: id 2 out of range"},
		{"dup name", "a x\nb y\na z\n", `bad.txt:3: level-3 name "a" already used on line 1`},
		{"empty", "# nothing\n\n", "no categories found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCategories("bad.txt", []byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	_, err := LoadCategories(filepath.Join(t.TempDir(), "missing.txt"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: err = %v", err)
	}
}

func FuzzParseCategories(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "category.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("0,a,b,+\n1,c,d,-\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCategories("fuzz", data)
		if err != nil {
			return
		}
		for i, cat := range c.All() {
			if cat.ID != i || cat.Name == "" || cat.Level2 == "" {
				t.Fatalf("bad category %d: %+v", i, cat)
			}
			if ids, err := c.IDsOfLevel2(cat.Level2); err != nil || !slices.Contains(ids, i) {
				t.Fatalf("IDsOfLevel2(%q) = %v, %v", cat.Level2, ids, err)
			}
		}
	})
}
