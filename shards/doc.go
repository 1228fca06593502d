// Package shards is curate's on-disk dataset format: Arrow IPC stream files
// in the Hugging Face `datasets` save_to_disk layout, which `datasets` loads
// as they are (datasets.load_from_disk).
//
// A dataset directory holds dataset_dict.json and one folder per split; a
// split folder holds data-NNNNN-of-MMMMM.arrow shards, state.json and
// dataset_info.json. Writers roll shards at a size target and cut record
// batches by rows and by bytes; they write a split as a new generation of
// its folder (internal/atomicfile) that replaces the old one in one atomic
// switch on Close, so an earlier split stays loadable until the new one is
// complete. Readers memory-map shards, give random access by row and a
// streaming iterator, and record defects that do not stop reading (no
// end-of-stream marker, trailing bytes) in Shard.Problems for verifiers.
//
// Columns (names and types are stable API; every field is nullable):
//
//	image         struct<bytes: binary, path: string>  encoded JPEG/PNG/GIF/WebP bytes
//	label         int64   class index (ClassLabel when label names are set); null = -1
//	id            string  stable image id
//	url           string  source URL
//	labels        list<int64>  every label listed for this image (fetch)
//	source_label  int64   original WEBEmo level-3 id
//	sha256        string  hex sha256 of the image bytes
//	width         int32   width of the stored image in pixels
//	height        int32   height of the stored image in pixels
//	format        string  jpeg, png, gif or webp
//	list          string  name of the list file the URL came from
package shards
