package webemo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Polarity is the sign of an emotion in the WEBEmo hierarchy.
type Polarity int8

// Polarities. Unknown is for a category file that does not give one.
const (
	Unknown  Polarity = 0
	Positive Polarity = 1
	Negative Polarity = -1
)

func (p Polarity) String() string {
	switch p {
	case Positive:
		return "+"
	case Negative:
		return "-"
	}
	return "?"
}

// Category is one level-3 label: its id (the label in the URL lists), its
// name, the level-2 emotion it belongs to, and its polarity.
type Category struct {
	ID       int
	Name     string
	Level2   string
	Polarity Polarity
}

// Categories is the label hierarchy, indexed by level-3 id.
type Categories struct {
	list []Category
}

// ErrUnknownLevel2 is returned by IDsOfLevel2 for a name no category has.
var ErrUnknownLevel2 = errors.New("webemo: unknown level-2 emotion")

// defaultTable is category.txt as released: (level-3, level-2, polarity), index = id.
var defaultTable = [...][3]string{
	{"affection", "love", "+"},
	{"cheerfullness", "joy", "+"},
	{"confusion", "confusion", "-"},
	{"contentment", "joy", "+"},
	{"disappointment", "sadness", "-"},
	{"disgust", "anger", "-"},
	{"enthrallment", "joy", "+"},
	{"envy", "anger", "-"},
	{"exasperation", "anger", "-"},
	{"gratitude", "love", "+"},
	{"horror", "fear", "-"},
	{"irritabilty", "anger", "-"},
	{"lust", "love", "+"},
	{"neglect", "sadness", "-"},
	{"nervousness", "fear", "-"},
	{"optimism", "joy", "+"},
	{"pride", "joy", "+"},
	{"rage", "anger", "-"},
	{"relief", "joy", "+"},
	{"sadness", "sadness", "-"},
	{"shame", "sadness", "-"},
	{"suffering", "sadness", "-"},
	{"surprise", "surprise", "+"},
	{"sympathy", "sadness", "-"},
	{"zest", "joy", "+"},
}

// DefaultCategories returns the 25 WEBEmo categories as released.
func DefaultCategories() *Categories {
	c := &Categories{list: make([]Category, len(defaultTable))}
	for i, t := range defaultTable {
		p, _ := parsePolarity(t[2])
		c.list[i] = Category{ID: i, Name: t[0], Level2: t[1], Polarity: p}
	}
	return c
}

// Len is the number of level-3 categories.
func (c *Categories) Len() int { return len(c.list) }

// Category returns the category with level-3 id id.
func (c *Categories) Category(id int) (Category, bool) {
	if id < 0 || id >= len(c.list) {
		return Category{}, false
	}
	return c.list[id], true
}

// All returns a copy of every category, in id order.
func (c *Categories) All() []Category { return slices.Clone(c.list) }

// Level3Names returns the level-3 names in id order.
func (c *Categories) Level3Names() []string {
	names := make([]string, len(c.list))
	for i, cat := range c.list {
		names[i] = cat.Name
	}
	return names
}

// Level2Names returns the distinct level-2 names in order of first appearance.
func (c *Categories) Level2Names() []string {
	var names []string
	for _, cat := range c.list {
		if !slices.Contains(names, cat.Level2) {
			names = append(names, cat.Level2)
		}
	}
	return names
}

// IDsOfLevel2 returns the level-3 ids whose level-2 emotion is name
// (case-insensitive), ascending. For "sadness": 4, 13, 19, 20, 21, 23.
func (c *Categories) IDsOfLevel2(name string) ([]int, error) {
	var ids []int
	for _, cat := range c.list {
		if strings.EqualFold(cat.Level2, strings.TrimSpace(name)) {
			ids = append(ids, cat.ID)
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownLevel2, name, strings.Join(c.Level2Names(), ", "))
	}
	return ids, nil
}

// ParseError is a line of a category file that could not be read.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

// LoadCategories reads a category.txt. It is tolerant of layout: fields may be
// separated by whitespace, tabs or commas (quotes around a field are removed);
// each line is `[id] level-3 level-2 [polarity]`, where polarity is one of
// + - positive negative pos neg; blank lines, lines starting with '#' and a
// header line (first field "id", "level-3", "name", ...) are skipped. Without
// ids, a line's id is its position among the data lines. With ids, they must
// cover 0..n-1 exactly once. Errors name the file and line.
func LoadCategories(path string) (*Categories, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	return ParseCategories(path, data)
}

// ParseCategories parses the contents of a category file; name is used in errors.
func ParseCategories(name string, data []byte) (*Categories, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var (
		cats     []Category
		lines    []int // line number of each entry, for errors
		withID   = -1  // -1 undecided, 0 no ids, 1 ids
		seenData bool
	)
	fail := func(line int, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Err: fmt.Errorf(format, args...)}
	}
	for lineNo := 1; sc.Scan(); lineNo++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := splitFields(text)
		if len(fields) == 0 {
			continue // only separators
		}
		if !seenData && isHeader(fields[0]) {
			seenData = true
			continue
		}
		seenData = true
		id := len(cats)
		hasID := false
		if n, err := strconv.Atoi(fields[0]); err == nil {
			hasID = true
			id = n
			fields = fields[1:]
		}
		switch {
		case withID == -1 && hasID:
			withID = 1
		case withID == -1:
			withID = 0
		case (withID == 1) != hasID:
			return nil, fail(lineNo, "some lines start with an id and some do not")
		}
		if len(fields) < 2 || len(fields) > 3 {
			return nil, fail(lineNo, "want [id] level-3 level-2 [polarity], got %d fields in %q", len(fields), text)
		}
		cat := Category{ID: id, Name: strings.ToLower(fields[0]), Level2: strings.ToLower(fields[1])}
		if len(fields) == 3 {
			p, ok := parsePolarity(fields[2])
			if !ok {
				return nil, fail(lineNo, "polarity %q is not one of + - positive negative", fields[2])
			}
			cat.Polarity = p
		}
		if id < 0 {
			return nil, fail(lineNo, "negative id %d", id)
		}
		cats = append(cats, cat)
		lines = append(lines, lineNo)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read categories %s: %w", name, err)
	}
	if len(cats) == 0 {
		return nil, fmt.Errorf("categories %s: no categories found", name)
	}
	list := make([]Category, len(cats))
	seen := make([]bool, len(cats))
	names := make(map[string]int, len(cats))
	for i, cat := range cats {
		if cat.ID >= len(cats) {
			return nil, fail(lines[i], "id %d out of range: the file lists %d categories, so ids run 0..%d", cat.ID, len(cats), len(cats)-1)
		}
		if seen[cat.ID] {
			return nil, fail(lines[i], "id %d listed twice", cat.ID)
		}
		if prev, dup := names[cat.Name]; dup {
			return nil, fail(lines[i], "level-3 name %q already used on line %d", cat.Name, prev)
		}
		seen[cat.ID] = true
		names[cat.Name] = lines[i]
		list[cat.ID] = cat
	}
	return &Categories{list: list}, nil
}

func splitFields(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || unicode.IsSpace(r)
	})
	out := f[:0]
	for _, s := range f {
		if s = strings.Trim(s, `"'`); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isHeader(first string) bool {
	switch strings.ToLower(first) {
	case "id", "label", "index", "level3", "level-3", "level_3", "category", "name", "emotion":
		return true
	}
	return false
}

func parsePolarity(s string) (Polarity, bool) {
	switch strings.ToLower(s) {
	case "+", "pos", "positive", "1", "+1":
		return Positive, true
	case "-", "neg", "negative", "-1":
		return Negative, true
	}
	return Unknown, false
}
