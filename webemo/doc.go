// Package webemo holds the WEBEmo label hierarchy (Panda et al., ECCV 2018):
// the 25 level-3 emotions that are the dataset's label ids 0..24, the level-2
// emotion each belongs to, and its polarity. DefaultCategories is the released
// category.txt as published (misspellings kept); LoadCategories reads such a
// file from disk.
package webemo
