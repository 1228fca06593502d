package shards

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Column names: stable API, documented in the package comment.
const (
	ColImage       = "image"
	ColLabel       = "label"
	ColID          = "id"
	ColURL         = "url"
	ColLabels      = "labels"
	ColSourceLabel = "source_label"
	ColSHA256      = "sha256"
	ColWidth       = "width"
	ColHeight      = "height"
	ColFormat      = "format"
	ColList        = "list"
)

// Row is one image with its metadata. Zero values of strings are written as
// empty strings; Label and SourceLabel of -1 and a nil Labels are written as
// null.
type Row struct {
	ID          string
	Image       []byte // encoded image bytes (JPEG, PNG, GIF or WebP)
	Path        string // image.path: the original file name, may be empty
	Label       int64  // class index; -1 = no label
	Labels      []int64
	SourceLabel int64 // original WEBEmo level-3 id; -1 = none
	URL         string
	SHA256      string // hex sha256 of Image
	Width       int32
	Height      int32
	Format      string
	List        string
}

// NoLabel is the value of Label and SourceLabel that is stored as null.
const NoLabel = -1

var imageType = arrow.StructOf(
	arrow.Field{Name: "bytes", Type: arrow.BinaryTypes.Binary, Nullable: true},
	arrow.Field{Name: "path", Type: arrow.BinaryTypes.String, Nullable: true},
)

// columns lists every column in schema order with its Arrow type and the
// Hugging Face feature it carries.
var columns = []struct {
	name    string
	typ     arrow.DataType
	feature string // JSON; "" for label, whose feature depends on the names
}{
	{ColImage, imageType, `{"_type":"Image"}`},
	{ColLabel, arrow.PrimitiveTypes.Int64, ""},
	{ColID, arrow.BinaryTypes.String, `{"dtype":"string","_type":"Value"}`},
	{ColURL, arrow.BinaryTypes.String, `{"dtype":"string","_type":"Value"}`},
	{ColLabels, arrow.ListOf(arrow.PrimitiveTypes.Int64), `{"feature":{"dtype":"int64","_type":"Value"},"_type":"Sequence"}`},
	{ColSourceLabel, arrow.PrimitiveTypes.Int64, `{"dtype":"int64","_type":"Value"}`},
	{ColSHA256, arrow.BinaryTypes.String, `{"dtype":"string","_type":"Value"}`},
	{ColWidth, arrow.PrimitiveTypes.Int32, `{"dtype":"int32","_type":"Value"}`},
	{ColHeight, arrow.PrimitiveTypes.Int32, `{"dtype":"int32","_type":"Value"}`},
	{ColFormat, arrow.BinaryTypes.String, `{"dtype":"string","_type":"Value"}`},
	{ColList, arrow.BinaryTypes.String, `{"dtype":"string","_type":"Value"}`},
}

// featuresJSON is the Hugging Face `features` object for the columns, in
// column order, with label a ClassLabel when names are given.
func featuresJSON(labelNames []string) (json.RawMessage, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range columns {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(c.name)
		b.Write(name)
		b.WriteByte(':')
		f := c.feature
		if c.name == ColLabel {
			if labelNames == nil {
				f = `{"dtype":"int64","_type":"Value"}`
			} else {
				names, err := json.Marshal(labelNames)
				if err != nil {
					return nil, fmt.Errorf("label names: %w", err)
				}
				f = `{"names":` + string(names) + `,"_type":"ClassLabel"}`
			}
		}
		b.WriteString(f)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// newSchema is the Arrow schema with the `huggingface` metadata that makes
// `datasets` load the shards with the right features.
func newSchema(labelNames []string) (*arrow.Schema, error) {
	features, err := featuresJSON(labelNames)
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(columns))
	for i, c := range columns {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	hf := `{"info":{"features":` + string(features) + `}}`
	md := arrow.NewMetadata([]string{"huggingface"}, []string{hf})
	return arrow.NewSchema(fields, &md), nil
}

// hfMetadata is the part of the `huggingface` schema metadata curate reads.
type hfMetadata struct {
	Info struct {
		Features map[string]struct {
			Type  string   `json:"_type"`
			Names []string `json:"names"`
		} `json:"features"`
	} `json:"info"`
}

// labelNamesFromSchema returns the ClassLabel names of the label column, or
// nil when the schema carries none.
func labelNamesFromSchema(s *arrow.Schema) ([]string, error) {
	v, ok := s.Metadata().GetValue("huggingface")
	if !ok {
		return nil, nil
	}
	var md hfMetadata
	if err := json.Unmarshal([]byte(v), &md); err != nil {
		return nil, fmt.Errorf("huggingface schema metadata is not valid JSON: %w", err)
	}
	if f, ok := md.Info.Features[ColLabel]; ok && f.Type == "ClassLabel" {
		return f.Names, nil
	}
	return nil, nil
}
