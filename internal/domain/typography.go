package domain

import "strings"

var frenchPunctuation = strings.NewReplacer(" :", "\u00a0:", " ;", "\u202f;", " ?", "\u202f?", " !", "\u202f!")

// FrenchTypography puts the spaces French wants before two-part punctuation: a no-break
// space before a colon, a narrow one before ; ? and !, so that none is left alone at a line
// start.
func FrenchTypography(s string) string { return frenchPunctuation.Replace(s) }
