package fetch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format is the layout of a URL list file.
type Format int

// List formats. FormatAuto picks one from the file name: .csv, .tsv,
// .jsonl/.ndjson, anything else the WEBEmo layout.
const (
	FormatAuto   Format = iota
	FormatWEBEmo        // "<URL> <label>" per line, label = last whitespace token
	FormatCSV           // header row naming url and label columns
	FormatTSV           // as CSV, tab-separated
	FormatJSONL         // one JSON object per line with "url" and "label"
)

func (f Format) String() string {
	switch f {
	case FormatWEBEmo:
		return "webemo"
	case FormatCSV:
		return "csv"
	case FormatTSV:
		return "tsv"
	case FormatJSONL:
		return "jsonl"
	}
	return "auto"
}

// FormatOf is the format FormatAuto picks for a file name.
func FormatOf(name string) Format {
	n := strings.ToLower(name)
	n = strings.TrimSuffix(n, ".txt")
	switch filepath.Ext(n) {
	case ".csv":
		return FormatCSV
	case ".tsv", ".tab":
		return FormatTSV
	case ".jsonl", ".ndjson":
		return FormatJSONL
	}
	return FormatWEBEmo
}

// ErrNoURLs is returned when the lists hold no usable line at all.
var ErrNoURLs = errors.New("fetch: the lists hold no URLs")

// LineError is a malformed line of a list: the file, the 1-based line and
// what is wrong with it.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Line is one well-formed line of a list.
type Line struct {
	URL   string
	Label int
	Line  int // 1-based line number in its file
}

// ParseList reads a list in the given format (FormatAuto: from name) and
// calls fn for each well-formed line and bad for each malformed one. Labels
// must lie in [0, numLabels). name is used in errors. An I/O error, or a CSV
// or TSV file without url and label columns, is returned.
func ParseList(name string, r io.Reader, format Format, numLabels int, fn func(Line), bad func(*LineError)) error {
	if format == FormatAuto {
		format = FormatOf(name)
	}
	p := lineParser{name: name, numLabels: numLabels, fn: fn, bad: bad}
	switch format {
	case FormatCSV:
		return p.delimited(r, ',')
	case FormatTSV:
		return p.delimited(r, '\t')
	case FormatJSONL:
		return p.jsonl(r)
	default:
		return p.webemo(r)
	}
}

type lineParser struct {
	name      string
	numLabels int
	fn        func(Line)
	bad       func(*LineError)
}

func (p *lineParser) emit(line int, rawURL, rawLabel string) {
	u, err := checkURL(rawURL)
	if err != nil {
		p.bad(&LineError{p.name, line, err})
		return
	}
	label, err := strconv.Atoi(strings.TrimSpace(rawLabel))
	if err != nil {
		p.bad(&LineError{p.name, line, fmt.Errorf("label %q is not an integer", rawLabel)})
		return
	}
	if label < 0 || label >= p.numLabels {
		p.bad(&LineError{p.name, line, fmt.Errorf("label %d out of range 0..%d", label, p.numLabels-1)})
		return
	}
	p.fn(Line{URL: u, Label: label, Line: line})
}

// checkURL accepts an absolute URL with a scheme and a host. Schemes other
// than http and https are accepted here and refused per URL (bad_scheme),
// so the ledger records them.
func checkURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("empty URL")
	}
	// Bytes that are not UTF-8 would not survive the JSON ledger (they
	// become U+FFFD), so the URL would never match its ledger record and be
	// fetched again on every run: percent-encode them, as browsers do.
	raw = escapeInvalidUTF8(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bad URL %q: %v", raw, errors.Unwrap(err))
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute URL", raw)
	}
	return raw, nil
}

// MaxLineBytes is the longest list line read; a longer one is reported
// with its line number and skipped, and the rest of the list is read.
const MaxLineBytes = 1 << 20

// eachLine calls fn with every line of r (without its line ending) and
// its 1-based number. Lines over MaxLineBytes are reported to p.bad and
// skipped without being held in memory.
func (p *lineParser) eachLine(r io.Reader, fn func(n int, line []byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for n := 1; ; n++ {
		long = long[:0]
		tooLong := false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if !tooLong {
				if len(long)+len(chunk) > MaxLineBytes+2 {
					tooLong, long = true, long[:0]
				} else {
					long = append(long, chunk...)
				}
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read list %s line %d: %w", p.name, n, err)
		}
		if tooLong {
			p.bad(&LineError{p.name, n, fmt.Errorf("line longer than %d bytes, skipped", MaxLineBytes)})
		} else if len(long) > 0 {
			fn(n, bytes.TrimRight(long, "\r\n"))
		}
		if err != nil { // io.EOF
			return nil
		}
	}
}

// escapeInvalidUTF8 percent-encodes every byte of s that is not part of a
// valid UTF-8 sequence.
func escapeInvalidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, "%%%02X", s[i])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func (p *lineParser) webemo(r io.Reader) error {
	return p.eachLine(r, func(n int, line []byte) {
		s := strings.TrimSpace(string(line))
		if n == 1 {
			s = strings.TrimPrefix(s, "\uFEFF")
		}
		if s == "" || strings.HasPrefix(s, "#") {
			return
		}
		f := strings.Fields(s)
		if len(f) != 2 {
			p.bad(&LineError{p.name, n, fmt.Errorf("want \"<URL> <label>\", got %d fields", len(f))})
			return
		}
		p.emit(n, f[0], f[len(f)-1])
	})
}

func (p *lineParser) delimited(r io.Reader, comma rune) error {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = comma == '\t'
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: header: %w", p.name, err)
	}
	urlCol, labelCol := -1, -1
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		switch h {
		case "url":
			urlCol = i
		case "label":
			labelCol = i
		}
	}
	if urlCol < 0 || labelCol < 0 {
		return fmt.Errorf("list %s: the header row %q must name a url and a label column", p.name, strings.Join(header, string(comma)))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.bad(&LineError{p.name, pe.StartLine, pe.Err})
			continue
		}
		if err != nil {
			return fmt.Errorf("read list %s: %w", p.name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) <= max(urlCol, labelCol) {
			p.bad(&LineError{p.name, line, fmt.Errorf("%d fields, want at least %d", len(rec), max(urlCol, labelCol)+1)})
			continue
		}
		p.emit(line, rec[urlCol], rec[labelCol])
	}
}

func (p *lineParser) jsonl(r io.Reader) error {
	return p.eachLine(r, func(n int, line []byte) {
		s := bytes.TrimSpace(line)
		if n == 1 {
			s = bytes.TrimPrefix(s, []byte("\uFEFF"))
		}
		if len(s) == 0 {
			return
		}
		var rec struct {
			URL   *string         `json:"url"`
			Label json.RawMessage `json:"label"`
		}
		switch jerr := json.Unmarshal(s, &rec); {
		case jerr != nil:
			p.bad(&LineError{p.name, n, fmt.Errorf("not a JSON object: %v", jerr)})
		case rec.URL == nil:
			p.bad(&LineError{p.name, n, errors.New(`no "url" field`)})
		case rec.Label == nil:
			p.bad(&LineError{p.name, n, errors.New(`no "label" field`)})
		default:
			label := string(rec.Label)
			if uq, err := strconv.Unquote(label); err == nil {
				label = uq
			}
			p.emit(n, *rec.URL, label)
		}
	})
}

// Entry is one unique URL of the lists, in the order of its first
// appearance, with every label it was listed with.
type Entry struct {
	URL    string
	Labels []int  // distinct labels in list order; Labels[0] is the first
	List   string // base name of the list file it first appears in
	Line   int    // its first line there
	Lines  int    // how many lines list it
}

// Lists is the parsed input: unique URLs in list order.
type Lists struct {
	Entries   []Entry
	Lines     int          // well-formed lines over all lists
	Malformed []*LineError // every malformed line, in file order
	PerList   map[string]int
}

// ReadLists reads every list file in order and merges them. Malformed lines
// are collected in Lists.Malformed (and passed to bad, if not nil); with
// strict the first one is returned as the error.
func ReadLists(paths []string, numLabels int, strict bool, bad func(*LineError)) (*Lists, error) {
	ls := &Lists{PerList: map[string]int{}}
	index := map[string]int{}
	var firstBad *LineError
	for _, path := range paths {
		if st, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open list: %w", err)
		} else if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("list %s is not a regular file (%s)", path, st.Mode().Type())
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open list: %w", err)
		}
		base := filepath.Base(path)
		err = ParseList(path, f, FormatAuto, numLabels, func(l Line) {
			ls.Lines++
			ls.PerList[base]++
			if i, ok := index[l.URL]; ok {
				e := &ls.Entries[i]
				e.Lines++
				for _, have := range e.Labels {
					if have == l.Label {
						return
					}
				}
				e.Labels = append(e.Labels, l.Label)
				return
			}
			index[l.URL] = len(ls.Entries)
			ls.Entries = append(ls.Entries, Entry{URL: l.URL, Labels: []int{l.Label}, List: base, Line: l.Line, Lines: 1})
		}, func(le *LineError) {
			if firstBad == nil {
				firstBad = le
			}
			ls.Malformed = append(ls.Malformed, le)
			if bad != nil {
				bad(le)
			}
		})
		f.Close()
		if err != nil {
			return nil, err
		}
		if strict && firstBad != nil {
			return nil, fmt.Errorf("malformed line (--strict): %w", firstBad)
		}
	}
	if len(ls.Entries) == 0 {
		return ls, ErrNoURLs
	}
	return ls, nil
}
