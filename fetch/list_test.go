package fetch

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	const u1 = "https://as2.ftcdn.net/jpg/00/42/93/78/220_F_42937802_2rowA8aFZs20JZ2Iq6WKArKKaaj1BIv4.jpg"
	tests := []struct {
		name    string
		file    string
		input   string
		want    []Line
		badLine []int // line numbers reported malformed
		err     string
	}{
		{"webemo", "train25.txt", u1 + " 0\nhttp://b.example/x.jpg\t24\n\n# comment\n  http://c.example/y.png   13  \n",
			[]Line{{u1, 0, 1}, {"http://b.example/x.jpg", 24, 2}, {"http://c.example/y.png", 13, 5}}, nil, ""},
		{"two-digit labels are whole tokens", "l.txt", "http://a.example/1.jpg 19\nhttp://a.example/2.jpg 21\n",
			[]Line{{"http://a.example/1.jpg", 19, 1}, {"http://a.example/2.jpg", 21, 2}}, nil, ""},
		{"crlf and bom", "l.txt", "\ufeffhttp://a.example/1.jpg 3\r\nhttp://a.example/2.jpg 4\r\n",
			[]Line{{"http://a.example/1.jpg", 3, 1}, {"http://a.example/2.jpg", 4, 2}}, nil, ""},
		{"malformed webemo lines", "l.txt",
			"http://a.example/1.jpg\nhttp://a.example/2.jpg x\nhttp://a.example/3.jpg 25\nhttp://a.example/4.jpg -1\nnot-a-url 3\nhttp://a.example/5.jpg 1 2\nhttp://a.example/6.jpg 7\n",
			[]Line{{"http://a.example/6.jpg", 7, 7}}, []int{1, 2, 3, 4, 5, 6}, ""},
		{"csv", "l.csv", "id,URL,label\n1,http://a.example/1.jpg,3\n2,\"http://a.example/2,x.jpg\",4\n3,http://a.example/3.jpg\n4,http://a.example/4.jpg,99\n\n5,http://a.example/5.jpg,5\n",
			[]Line{{"http://a.example/1.jpg", 3, 2}, {"http://a.example/2,x.jpg", 4, 3}, {"http://a.example/5.jpg", 5, 7}}, []int{4, 5}, ""},
		{"csv bad quote", "l.csv", "url,label\n\"http://a.example/1.jpg,3\nhttp://a.example/2.jpg,4\n",
			nil, []int{2}, ""},
		{"csv without columns", "l.csv", "link,class\nhttp://a.example/1.jpg,3\n", nil, nil, "must name a url and a label column"},
		{"tsv", "l.tsv", "label\turl\n3\thttp://a.example/1.jpg\n4\thttp://a.example/\"q\".jpg\n",
			[]Line{{"http://a.example/1.jpg", 3, 2}, {`http://a.example/"q".jpg`, 4, 3}}, nil, ""},
		{"jsonl", "l.jsonl", "{\"url\":\"http://a.example/1.jpg\",\"label\":3}\n{\"label\":\"4\",\"url\":\"http://a.example/2.jpg\",\"extra\":1}\n{bad\n{\"url\":\"http://a.example/3.jpg\"}\n{\"label\":2}\n\n{\"url\":\"http://a.example/4.jpg\",\"label\":1.5}\n{\"url\":\"http://a.example/5.jpg\",\"label\":24}",
			[]Line{{"http://a.example/1.jpg", 3, 1}, {"http://a.example/2.jpg", 4, 2}, {"http://a.example/5.jpg", 24, 8}}, []int{3, 4, 5, 7}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []Line
			var bad []int
			err := ParseList(tc.file, strings.NewReader(tc.input), FormatAuto, 25,
				func(l Line) { got = append(got, l) },
				func(e *LineError) {
					if e.File != tc.file || !strings.HasPrefix(e.Error(), fmt.Sprintf("%s:%d: ", tc.file, e.Line)) {
						t.Errorf("line error %q does not name %s and its line", e.Error(), tc.file)
					}
					bad = append(bad, e.Line)
				})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("lines\n got %v\nwant %v", got, tc.want)
			}
			if !slices.Equal(bad, tc.badLine) {
				t.Errorf("malformed lines %v, want %v", bad, tc.badLine)
			}
		})
	}
}

func TestReadListsMergesDuplicates(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "train25.txt")
	b := filepath.Join(dir, "test25.csv")
	os.WriteFile(a, []byte("http://h/1.jpg 3\nhttp://h/2.jpg 4\nhttp://h/1.jpg 19\nbad line here\nhttp://h/1.jpg 3\n"), 0o644)
	os.WriteFile(b, []byte("url,label\nhttp://h/3.jpg,5\nhttp://h/2.jpg,13\n"), 0o644)
	ls, err := ReadLists([]string{a, b}, 25, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{URL: "http://h/1.jpg", Labels: []int{3, 19}, List: "train25.txt", Line: 1, Lines: 3},
		{URL: "http://h/2.jpg", Labels: []int{4, 13}, List: "train25.txt", Line: 2, Lines: 2},
		{URL: "http://h/3.jpg", Labels: []int{5}, List: "test25.csv", Line: 2, Lines: 1},
	}
	if fmt.Sprint(ls.Entries) != fmt.Sprint(want) || ls.Lines != 6 || len(ls.Malformed) != 1 || ls.Malformed[0].Line != 4 {
		t.Errorf("got %+v, %d lines, malformed %v", ls.Entries, ls.Lines, ls.Malformed)
	}
	// --strict turns the malformed line into an error naming it.
	_, err = ReadLists([]string{a, b}, 25, true, nil)
	var le *LineError
	if !errors.As(err, &le) || le.File != a || le.Line != 4 {
		t.Errorf("strict: %v", err)
	}
	// Nothing usable at all.
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("# nothing\n"), 0o644)
	if _, err := ReadLists([]string{empty}, 25, false, nil); !errors.Is(err, ErrNoURLs) {
		t.Errorf("empty list: %v", err)
	}
}

// FuzzParseList checks that no input makes the parser panic or emit a line
// that breaks its promises (an absolute URL, a label in range, a line
// number within the input).
func FuzzParseList(f *testing.F) {
	seeds := []string{
		"https://as2.ftcdn.net/jpg/00/42/93/78/220_F_x.jpg 0\n",
		"http://a/1.jpg 24\r\n\n# c\nhttp://a/2.jpg\t3",
		"url,label\nhttp://a/1.jpg,3\n\"x,y\",2\n",
		"{\"url\":\"http://a/1.jpg\",\"label\":3}\n{\"url\":1}\n",
		"\ufeff", "url\tlabel\nhttp://a/\"1.jpg\t2\n",
	}
	for _, s := range seeds {
		for _, fmtv := range []Format{FormatWEBEmo, FormatCSV, FormatTSV, FormatJSONL} {
			f.Add(s, uint8(fmtv))
		}
	}
	f.Fuzz(func(t *testing.T, input string, format uint8) {
		lines := bytes.Count([]byte(input), []byte("\n")) + 1
		ParseList("fuzz", strings.NewReader(input), Format(format%5), 25, func(l Line) {
			if l.Label < 0 || l.Label >= 25 {
				t.Fatalf("label %d out of range", l.Label)
			}
			if _, err := checkURL(l.URL); err != nil {
				t.Fatalf("emitted bad URL %q: %v", l.URL, err)
			}
			if l.Line < 1 || l.Line > lines {
				t.Fatalf("line %d of %d", l.Line, lines)
			}
		}, func(e *LineError) {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("malformed line %d of %d", e.Line, lines)
			}
		})
	})
}

// FuzzReadLedger checks that any ledger file, torn or not, reads without a
// panic and yields only records with a URL and a known status.
func FuzzReadLedger(f *testing.F) {
	f.Add([]byte(`{"url":"http://a/1.jpg","status":"ok","reason":"ok","attempts":1,"id":"ab","sha256":"00","list":"l","labels":[3],"staged":{"off":0,"len":5}}` + "\n"))
	f.Add([]byte(`{"url":"http://a/2.jpg","status":"failed","reason":"http_404","attempts":1,"id":"cd","list":"l","labels":[1,2]}` + "\n{\"url\":\"x\",\"sta"))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`{"url":"u","status":"maybe"}` + "\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "ledger.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ReadLedger(path, func(r *Record) error {
			if r.URL == "" || (r.Status != StatusOK && r.Status != StatusFailed) {
				t.Fatalf("record %+v", r)
			}
			return nil
		})
	})
}

// TestListLongLineAndNonUTF8: a line over MaxLineBytes is reported with its
// number and skipped, the lines around it still read; a URL with bytes that
// are not UTF-8 comes out percent-encoded, so the JSON ledger holds it as is.
func TestListLongLineAndNonUTF8(t *testing.T) {
	for _, format := range []Format{FormatWEBEmo, FormatJSONL} {
		t.Run(fmt.Sprint(format), func(t *testing.T) {
			line := func(u string) string {
				if format == FormatJSONL {
					return `{"url": "` + u + `", "label": 1}` + "\n"
				}
				return u + " 1\n"
			}
			in := line("http://a.test/1.jpg") + line("http://a.test/"+strings.Repeat("x", MaxLineBytes+10)) +
				line("http://a.test/2.jpg") + "http://a.test/\xff\xfe.jpg 1\n"
			var got []Line
			var bad []*LineError
			err := ParseList("l", strings.NewReader(in), format, 25, func(l Line) { got = append(got, l) }, func(le *LineError) { bad = append(bad, le) })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) < 2 || got[0].URL != "http://a.test/1.jpg" || got[1].URL != "http://a.test/2.jpg" || got[1].Line != 3 {
				t.Fatalf("lines %+v", got)
			}
			if len(bad) == 0 || bad[0].Line != 2 || !strings.Contains(bad[0].Error(), "longer than") {
				t.Fatalf("malformed %v, want line 2 too long", bad)
			}
			if format == FormatWEBEmo {
				if len(got) != 3 || got[2].URL != "http://a.test/%FF%FE.jpg" {
					t.Errorf("non-UTF-8 URL: %+v", got)
				}
			}
		})
	}
}
