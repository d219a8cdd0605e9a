package telnyx

import "iter"

// Collect returns every item of seq, or nil and the first error it yields. Collect
// first, then act: a loop that ends, kicks or changes what its own filter matches
// while iterating skips items, because the API pages by offset (see the package
// documentation).
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var items []T
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}
